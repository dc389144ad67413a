package com.maclogin.cutover.simulator;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test teardown: ends whatever this JVM started that is still alive (a gateway's child, the exec helper's spare child,
 * an sshd session) and waits for it, so that JUnit's deletion of the temp directory does not race a process that is
 * still writing into the lease's home ("Failed to delete temp directory ... DirectoryNotEmptyException" under load).
 */
final class Descendants {

    private Descendants() {
    }

    static void reap() {
        List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
        left.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : left) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }
}
