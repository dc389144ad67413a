# exec helper of one simulated lease (see ShellExecutor.java): forks `/bin/sh -c <command>` for each SSH exec
# channel and multiplexes the children's stdin, stdout, stderr and exit status over its own stdin/stdout.
# It exists because a fork/exec from this small process costs a fraction of one from the simulator JVM, whose
# child must close every one of the JVM's descriptors (~1050 with 200 leases) before it can exec.
# Frames, both directions: type (1 byte), id (uint32 BE), payload length (uint32 BE), payload.
#   in:  S start (cwd NUL command NUL {KEY=VALUE NUL}), I stdin bytes, E stdin EOF, K kill, A output credit (uint32)
#   out: O stdout bytes, E stderr bytes, W stdin bytes written (uint32), X exit status (uint32), F cannot start (text)
# Only core Perl (perl-base on Debian). Reads its stdin at all times and never blocks on a write, so neither side can
# deadlock on a full pipe; a child's output is read only while it has credit (acknowledged once the SSH channel took it).
use strict;
use warnings;
no warnings 'exec';
use POSIX ();
use Errno ();
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);

my $CREDIT = 262144;
my $CHUNK = 32768;
$SIG{PIPE} = 'IGNORE';
$SIG{CHLD} = sub { };    # only to interrupt select()
$SIG{TERM} = sub { shutdown_all() };    # stopping the lease stops its commands too
binmode STDIN;
binmode STDOUT;
nonblocking(\*STDOUT);

my %kids;     # id => { id, pid, in, out, err, inbuf, ineof, credit, status, kill_at }
my %by_pid;   # pid => kid
my $rbuf = '';
my $wbuf = '';
my $poll = 0.0005;

sub nonblocking {
    my $fh = shift;
    my $flags = fcntl($fh, F_GETFL, 0) or die "fcntl: $!";
    fcntl($fh, F_SETFL, $flags | O_NONBLOCK) or die "fcntl: $!";
}

sub frame {
    my ($type, $id, $payload) = @_;
    $wbuf .= pack('aNN', $type, $id, length $payload) . $payload;
}

# In a new child: the command's pipes on 0-2 (every other descriptor of this process is close-on-exec, and the
# other commands' pipes are closed now so that no EOF waits for this child), its own session (so that a kill reaches
# the whole command), default signal dispositions.
sub child_stdio {
    my ($in_r, $out_w, $err_w, @close) = @_;
    for my $kid (values %kids) {
        for my $fh (grep { defined } @$kid{qw(in out err)}) {
            close $fh;
        }
    }
    close $_ for @close;
    POSIX::dup2(fileno($in_r), 0);
    POSIX::dup2(fileno($out_w), 1);
    POSIX::dup2(fileno($err_w), 2);
    POSIX::setsid();
    $SIG{PIPE} = 'DEFAULT';
    $SIG{CHLD} = 'DEFAULT';
}

# In the child: the login environment, cwd, then `/bin/sh -c <command>`.
sub run_shell {
    my ($cwd, $cmd, @env) = split /\0/, shift, -1;
    pop @env if @env && $env[-1] eq '';
    %ENV = ();
    for my $kv (@env) {
        my ($k, $v) = split /=/, $kv, 2;
        $ENV{$k} = $v;
    }
    if (!chdir $cwd) {
        syswrite STDERR, "sh: cannot change directory to $cwd: $!\n";
        POSIX::_exit(1);
    }
    # macOS sshd's session umask (022), whatever the simulator JVM was started with: a command that must create
    # private files has to ask for it (umask 077), as it must on a Mac
    umask 022;
    exec { '/bin/sh' } '/bin/sh', '-c', $cmd;
    syswrite STDERR, "sh: cannot execute /bin/sh: $!\n";
    POSIX::_exit(127);
}

# A spare child forked ahead of time: it waits for its command (length-prefixed on a control pipe) with its pipes
# already in place, so that a command's start costs an exec but no fork.
my $spare;

sub make_spare {
    my ($ctl_r, $ctl_w, $in_r, $in_w, $out_r, $out_w, $err_r, $err_w);
    return unless pipe($ctl_r, $ctl_w) && pipe($in_r, $in_w) && pipe($out_r, $out_w) && pipe($err_r, $err_w);
    my $pid = fork;
    return unless defined $pid;
    if ($pid == 0) {
        child_stdio($in_r, $out_w, $err_w, $ctl_w, $in_w, $out_r, $err_r);
        my $head = read_exactly($ctl_r, 4);
        POSIX::_exit(0) unless defined $head; # the helper is gone, or it dropped this spare
        my $payload = read_exactly($ctl_r, unpack('N', $head));
        POSIX::_exit(0) unless defined $payload;
        close $ctl_r;
        run_shell($payload);
    }
    close $ctl_r;
    close $in_r;
    close $out_w;
    close $err_w;
    $spare = { pid => $pid, ctl => $ctl_w, in => $in_w, out => $out_r, err => $err_r };
}

sub read_exactly {
    my ($fh, $len) = @_;
    my $buf = '';
    while (length($buf) < $len) {
        my $n = sysread($fh, $buf, $len - length($buf), length $buf);
        next if !defined $n && $!{EINTR};
        return undef if !$n;
    }
    return $buf;
}

sub drop_spare {
    return unless $spare;
    kill 'KILL', $spare->{pid} if $spare->{pid} > 0;
    close $_ for grep { defined } @$spare{qw(ctl in out err)};
    $spare = undef;
}

sub start_kid {
    my ($id, $payload) = @_;
    my ($pid, $in_w, $out_r, $err_r);
    if ($spare) {
        my $s = $spare;
        $spare = undef;
        my $msg = pack('N', length $payload) . $payload;
        my $off = 0;
        while ($off < length $msg) {
            my $n = syswrite($s->{ctl}, $msg, length($msg) - $off, $off);
            next if !defined $n && $!{EINTR};
            last if !$n;
            $off += $n;
        }
        close $s->{ctl};
        if ($off == length $msg) {
            ($pid, $in_w, $out_r, $err_r) = @$s{qw(pid in out err)};
        } else {
            $spare = $s;    # it died: fork one below instead
            drop_spare();
        }
    }
    if (!$pid) {
        my ($in_r, $out_w, $err_w);
        if (!(pipe($in_r, $in_w) && pipe($out_r, $out_w) && pipe($err_r, $err_w))) {
            frame('F', $id, "pipe: $!");
            return;
        }
        $pid = fork;
        if (!defined $pid) {
            frame('F', $id, "fork: $!");
            return;
        }
        if ($pid == 0) {
            child_stdio($in_r, $out_w, $err_w, $in_w, $out_r, $err_r);
            run_shell($payload);
        }
        close $in_r;
        close $out_w;
        close $err_w;
    }
    nonblocking($in_w);
    my $kid = { id => $id, pid => $pid, in => $in_w, out => $out_r, err => $err_r, inbuf => '', ineof => 0,
                credit => $CREDIT };
    $kids{$id} = $kid;
    $by_pid{$pid} = $kid;
}

sub close_stdin {
    my $kid = shift;
    if ($kid->{in}) {
        close $kid->{in};
        $kid->{in} = undef;
    }
    if (length $kid->{inbuf}) {
        frame('W', $kid->{id}, pack('N', length $kid->{inbuf}));
        $kid->{inbuf} = '';
    }
}

sub kill_kid {
    my $kid = shift;
    return if defined $kid->{status} && !$kid->{out} && !$kid->{err};
    kill 'TERM', -$kid->{pid};
    kill 'TERM', $kid->{pid} unless defined $kid->{status};
    $kid->{kill_at} = time + 3;
    $kid->{credit} = 1 << 40;    # nobody acknowledges its output any more: read it until EOF and drop it
    close_stdin($kid);
}

sub handle_frame {
    my ($type, $id, $payload) = @_;
    my $kid = $kids{$id};
    if ($type eq 'S') {
        start_kid($id, $payload) unless $kid;
    } elsif ($type eq 'I') {
        if ($kid && $kid->{in}) {
            $kid->{inbuf} .= $payload;
        } else {
            frame('W', $id, pack('N', length $payload));
        }
    } elsif ($type eq 'E') {
        if ($kid) {
            $kid->{ineof} = 1;
            close_stdin($kid) if !length $kid->{inbuf};
        }
    } elsif ($type eq 'K') {
        kill_kid($kid) if $kid;
    } elsif ($type eq 'A') {
        $kid->{credit} += unpack('N', $payload) if $kid;
    }
}

sub read_output {
    my ($kid, $which, $type) = @_;
    my $n = sysread($kid->{$which}, my $buf, $CHUNK);
    if ($n) {
        frame($type, $kid->{id}, $buf);
        $kid->{credit} -= $n;
    } elsif (defined $n || !($!{EAGAIN} || $!{EINTR})) {
        close $kid->{$which};
        $kid->{$which} = undef;
    }
}

sub write_stdin {
    my $kid = shift;
    my $n = syswrite($kid->{in}, $kid->{inbuf});
    if (defined $n) {
        substr($kid->{inbuf}, 0, $n, '');
        frame('W', $kid->{id}, pack('N', $n));
        close_stdin($kid) if $kid->{ineof} && !length $kid->{inbuf};
    } elsif (!($!{EAGAIN} || $!{EINTR})) {
        close_stdin($kid);    # EPIPE: the command does not read its stdin (any more); the data is dropped
    }
}

sub reap {
    while ((my $pid = waitpid(-1, POSIX::WNOHANG())) > 0) {
        my $st = $?;
        if ($spare && $pid == $spare->{pid}) {
            $spare->{pid} = 0;
            drop_spare();
            next;
        }
        my $kid = delete $by_pid{$pid} or next;
        $kid->{status} = ($st & 127) ? 128 + ($st & 127) : ($st >> 8);
    }
}

sub finish {
    for my $kid (values %kids) {
        next if $kid->{out} || $kid->{err} || !defined $kid->{status};
        close_stdin($kid);
        frame('X', $kid->{id}, pack('N', $kid->{status}));
        delete $kids{$kid->{id}};
    }
}

sub flush_out {
    return if !length $wbuf;
    my $n = syswrite(STDOUT, $wbuf);
    if (defined $n) {
        substr($wbuf, 0, $n, '');
    } elsif (!($!{EAGAIN} || $!{EINTR})) {
        shutdown_all();
    }
}

sub shutdown_all {
    # the simulator closed our stdin or stopped reading: stop every command and leave
    for my $kid (values %kids) {
        kill 'TERM', -$kid->{pid};
        kill 'TERM', $kid->{pid};
    }
    POSIX::_exit(0);
}

my $quiet = 0;    # the last select timed out
while (1) {
    reap();
    finish();
    flush_out();
    # a new spare once no command is running (or nothing happened for 20 ms), never while a short command is in
    # flight: its fork would delay that command's exit status
    make_spare() if !$spare && (!%kids || $quiet);
    my ($rin, $win) = ('', '');
    vec($rin, 0, 1) = 1;
    vec($win, 1, 1) = 1 if length $wbuf;
    my $timeout = $spare ? undef : 0.02;
    my $polling = 0;
    my $now;
    for my $kid (values %kids) {
        if ($kid->{credit} > 0) {
            vec($rin, fileno($kid->{out}), 1) = 1 if $kid->{out};
            vec($rin, fileno($kid->{err}), 1) = 1 if $kid->{err};
        }
        vec($win, fileno($kid->{in}), 1) = 1 if $kid->{in} && length $kid->{inbuf};
        if (!$kid->{out} && !$kid->{err} && !defined $kid->{status}) {
            # output closed, not reaped yet: usually exiting right now (its SIGCHLD may have come just before the
            # select below), so poll with a short, growing timeout
            $polling = 1;
            $timeout = $poll if !defined $timeout || $poll < $timeout;
        }
        if (defined $kid->{kill_at}) {
            $now //= time;
            if ($now >= $kid->{kill_at}) {
                kill 'KILL', -$kid->{pid};
                kill 'KILL', $kid->{pid} unless defined $kid->{status};
                $kid->{kill_at} = undef;
            } else {
                my $left = $kid->{kill_at} - $now;
                $timeout = $left if !defined $timeout || $left < $timeout;
            }
        }
    }
    if ($polling) {
        $poll = $poll * 2 if $poll < 0.05;
    } else {
        $poll = 0.0005;
    }
    my $n = select(my $rout = $rin, my $wout = $win, undef, $timeout);
    if ($n < 0) {
        next if $!{EINTR};
        die "select: $!";
    }
    $quiet = $n == 0 && !$polling;
    next if $n == 0;
    if (vec($rout, 0, 1)) {
        my $got = sysread(STDIN, $rbuf, 65536, length $rbuf);
        if (defined $got && $got == 0) {
            shutdown_all();
        } elsif (!defined $got && !($!{EAGAIN} || $!{EINTR})) {
            shutdown_all();
        }
        while (length($rbuf) >= 9) {
            my ($type, $id, $len) = unpack('aNN', $rbuf);
            last if length($rbuf) < 9 + $len;
            my $payload = substr($rbuf, 9, $len);
            substr($rbuf, 0, 9 + $len, '');
            handle_frame($type, $id, $payload);
        }
    }
    for my $kid (values %kids) {
        read_output($kid, 'out', 'O') if $kid->{out} && vec($rout, fileno($kid->{out}), 1);
        read_output($kid, 'err', 'E') if $kid->{err} && vec($rout, fileno($kid->{err}), 1);
        write_stdin($kid) if $kid->{in} && length $kid->{inbuf} && vec($wout, fileno($kid->{in}), 1);
    }
}
