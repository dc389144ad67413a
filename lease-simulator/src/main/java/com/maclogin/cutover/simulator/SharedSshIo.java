package com.maclogin.cutover.simulator;

import java.util.concurrent.ScheduledExecutorService;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceEventListener;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.util.closeable.AbstractCloseable;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;

/**
 * LIGHT mode: one NIO2 channel group (a fixed pool of {@code lease-simulator.light.ssh-io-threads}, default 2 per CPU,
 * at least 2) and one timer thread for the SSH servers of every lease, instead of MINA's default of a pool of CPUs + 1
 * threads and a timer thread per server (~4 threads per lease). Each server still has its own acceptor, port, host
 * key, sessions and settings; closing a server closes its acceptor and sessions, never the shared group.
 */
final class SharedSshIo implements AutoCloseable {

    static final int THREADS = Integer.getInteger("lease-simulator.light.ssh-io-threads",
            Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));

    private final Nio2ServiceFactory shared;
    private final ScheduledExecutorService timer;

    SharedSshIo() {
        // the group's properties (socket options, buffer sizes) are those of a server configured as every lease's is
        SshServer template = ServerBuilder.builder().build();
        CoreModuleProperties.TCP_NODELAY.set(template, true);
        shared = new Nio2ServiceFactory(template, ThreadUtils.newFixedThreadPool("sim-ssh-nio2", THREADS),
                ThreadUtils.newFixedThreadPool("sim-ssh-nio2-resume", 1));
        timer = ThreadUtils.newSingleThreadScheduledExecutor("sim-ssh-timer");
    }

    /** Makes {@code server} use the shared group and timer (before it starts). */
    void apply(SshServer server) {
        server.setIoServiceFactoryFactory(new IoServiceFactoryFactory() {
            @Override
            public IoServiceFactory create(org.apache.sshd.common.FactoryManager manager) {
                return new View();
            }

            @Override
            public void setExecutorServiceFactory(
                    org.apache.sshd.common.Factory<org.apache.sshd.common.util.threads.CloseableExecutorService> factory) {
                // the shared group's pool is fixed
            }
        });
        server.setScheduledExecutorService(timer, false);
    }

    /** A server's view of the shared factory: creates acceptors on the shared group; closing it closes nothing shared. */
    private final class View extends AbstractCloseable implements IoServiceFactory {
        private IoServiceEventListener listener;

        @Override
        public IoConnector createConnector(IoHandler handler) {
            return shared.createConnector(handler);
        }

        @Override
        public IoAcceptor createAcceptor(IoHandler handler) {
            return shared.createAcceptor(handler);
        }

        @Override
        public IoServiceEventListener getIoServiceEventListener() {
            return listener;
        }

        @Override
        public void setIoServiceEventListener(IoServiceEventListener listener) {
            this.listener = listener;
        }
    }

    @Override
    public void close() {
        shared.close(true);
        timer.shutdownNow();
    }
}
