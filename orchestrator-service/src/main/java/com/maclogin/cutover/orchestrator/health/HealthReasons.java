package com.maclogin.cutover.orchestrator.health;

import com.maclogin.cutover.contracts.LeaseHealthEventKind;
import com.maclogin.cutover.contracts.Region;
import java.time.Duration;

/** The words of lease health that reach dead letters, stored health, events and chat, in one place. */
public final class HealthReasons {

    private HealthReasons() {
    }

    public static String unknownLease(String leaseId) {
        return "lease " + leaseId + " is not registered: watch report refused";
    }

    public static String otherRegion(String leaseId, Region registered, Region reported, String workerId) {
        return "lease " + leaseId + " is registered in region " + registered + ", the watch report came from region "
                + reported + " (worker " + workerId + "): refused";
    }

    /** Why the stale sweep made a lease UNKNOWN. */
    public static String stale(Duration staleAfter) {
        return "no watch report for " + staleAfter.toSeconds() + " s";
    }

    /** The reason of a certificate event. */
    public static String certificate(LeaseHealthEventKind kind, Integer daysLeft, int warnDays) {
        if (kind == LeaseHealthEventKind.CERT_EXPIRING) {
            return "TLS certificate expires in " + daysLeft + " days (under " + warnDays + ")";
        }
        return "TLS certificate renewed: " + daysLeft + " days left (at least " + warnDays + ")";
    }
}
