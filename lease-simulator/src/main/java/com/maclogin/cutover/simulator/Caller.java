package com.maclogin.cutover.simulator;

/**
 * Who runs an emulated macOS command: the effective uid and login name of the shell that called the shim (the shims
 * send bash's {@code $EUID} and {@code $USER} with every request). launchd decides by the uid; the sudo emulation
 * matches sudoers rules by the name.
 *
 * @param uid  effective uid of the calling shell
 * @param name its login name ({@code $USER}); may be empty
 */
record Caller(int uid, String name) {

    Caller {
        name = name == null ? "" : name;
    }

    /** The lease's own account (the simulator's user, which launchd and the gateway run as). */
    static Caller owner() {
        return new Caller(LaunchdEmulator.UID, System.getProperty("user.name"));
    }

    boolean isRoot() {
        return uid == 0;
    }

    /**
     * Whether this caller may print, kickstart, boot out, bootstrap, enable or disable in {@code gui/<domainUid>}: as
     * on macOS, only root and the domain's own user.
     */
    boolean owns(int domainUid) {
        return uid == 0 || uid == domainUid;
    }

    /**
     * From the shim's request headers {@code X-Sim-Caller-Uid} / {@code X-Sim-Caller-User}; a request without them
     * (a test, an older shim) is the lease's own account.
     */
    static Caller fromHeaders(String uid, String user) {
        if (uid == null || !uid.trim().matches("\\d{1,10}")) {
            return owner();
        }
        try {
            return new Caller(Integer.parseInt(uid.trim()), user == null ? "" : user.trim());
        } catch (NumberFormatException e) {
            return owner();
        }
    }
}
