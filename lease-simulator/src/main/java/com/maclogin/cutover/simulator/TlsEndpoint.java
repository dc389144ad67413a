package com.maclogin.cutover.simulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease's TLS endpoint on 127.0.0.1 (stands in for the reverse proxy that terminates TLS in front of the gateway):
 * a self-signed ECDSA P-256 certificate for {@code <leaseId>.lease.openclaw.test} (SAN also 127.0.0.1, localhost),
 * whose notAfter is N days away. Every connection gets the current certificate; any request gets
 * {@code 200 {"ok":true}}.
 */
final class TlsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TlsEndpoint.class);
    private static final char[] PASSWORD = "lease-simulator".toCharArray();

    private final String leaseId;
    private final ServerSocket server;
    private final ExecutorService connections;
    private final Thread acceptor;
    /** LIGHT mode: accepted by the shared event loop instead of a thread of its own. */
    private final LightIo.Listener shared;
    private volatile SSLContext context;
    private volatile X509Certificate certificate;
    /** notAfter in days of the certificate still to be made (lazily, at the first handshake or look). */
    private Integer pendingDays;

    /**
     * Binds the endpoint at once; the key pair and certificate (~20-30 ms of CPU: EC key generation, signing, PKCS#12,
     * KeyManagerFactory) are made at the first connection or {@link #certificate()} call, so that a lease's start does not
     * pay for a TLS endpoint nobody probes yet. The certificate's notAfter is {@code notAfterDays} from that moment.
     */
    TlsEndpoint(String leaseId, int port, int notAfterDays, ExecutorService connections) throws IOException {
        this(leaseId, port, notAfterDays, connections, null);
    }

    /** With {@code io} set (LIGHT mode), the shared event loop accepts its connections; no acceptor thread. */
    TlsEndpoint(String leaseId, int port, int notAfterDays, ExecutorService connections, LightIo io) throws IOException {
        this.leaseId = leaseId;
        this.connections = connections;
        this.pendingDays = notAfterDays;
        if (io != null) {
            server = null;
            acceptor = null;
            shared = io.listenRaw(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    ch -> serve(ch.socket()));
            return;
        }
        shared = null;
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        acceptor = new Thread(this::acceptLoop, "sim-tls-" + leaseId);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return shared != null ? shared.port() : server.getLocalPort();
    }

    X509Certificate certificate() throws IOException {
        return context() == null ? null : certificate;
    }

    /** The SSL context of the current certificate, made now if it is still pending. */
    private SSLContext context() throws IOException {
        SSLContext ctx = context;
        if (ctx != null) {
            return ctx;
        }
        synchronized (this) {
            if (context == null && pendingDays != null) {
                setNotAfterDays(pendingDays);
            }
            return context;
        }
    }

    /** Replaces the certificate by one whose notAfter is {@code days} from now (negative: already expired). */
    synchronized void setNotAfterDays(int days) throws IOException {
        pendingDays = null;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            Instant notAfter = Instant.now().plus(Duration.ofDays(days));
            Instant notBefore = (days > 0 ? Instant.now() : notAfter).minus(Duration.ofDays(days > 0 ? 1 : 90));
            X509Certificate cert = selfSigned(kp, "CN=" + leaseId + ".lease.openclaw.test, O=lease-simulator",
                    notBefore, notAfter);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("lease", kp.getPrivate(), PASSWORD, new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
            this.context = ctx;
            this.certificate = cert;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot create the TLS certificate of lease " + leaseId + ": " + e, e);
        }
    }

    static X509Certificate selfSigned(KeyPair kp, String dn, Instant notBefore, Instant notAfter) throws Exception {
        AlgorithmIdentifier sigAlg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(new BigInteger(63, new SecureRandom())));
        tbs.setSignature(sigAlg);
        X500Name name = new X500Name(dn);
        tbs.setIssuer(name);
        tbs.setSubject(name);
        tbs.setStartDate(new Time(Date.from(notBefore)));
        tbs.setEndDate(new Time(Date.from(notAfter)));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
        GeneralNames san = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, dn.substring(3, dn.indexOf(','))),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")});
        tbs.setExtensions(new Extensions(new Extension(Extension.subjectAlternativeName, false, san.getEncoded())));
        TBSCertificate tbsCert = tbs.generateTBSCertificate();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(kp.getPrivate());
        signer.update(tbsCert.getEncoded("DER"));
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(tbsCert);
        v.add(sigAlg);
        v.add(new DERBitString(signer.sign()));
        byte[] der = new DERSequence(v).getEncoded("DER");
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.submit(() -> serve(s));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.debug("lease {}: TLS accept failed", leaseId, e);
                }
            } catch (RuntimeException e) {
                LOG.debug("lease {}: TLS connection rejected", leaseId, e);
            }
        }
    }

    private void serve(Socket raw) {
        try (raw; SSLSocket tls = (SSLSocket) context().getSocketFactory().createSocket(raw, null, raw.getPort(), true)) {
            tls.setUseClientMode(false);
            tls.setSoTimeout(5000);
            tls.startHandshake();
            InputStream in = tls.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            if (n <= 0) {
                return;
            }
            String body = "{\"ok\":true}";
            OutputStream out = tls.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException e) {
            LOG.trace("lease {}: TLS connection ended: {}", leaseId, e.toString());
        }
    }

    @Override
    public void close() {
        if (shared != null) {
            shared.close();
            return;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
