package com.maclogin.cutover.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The local stack's Kafka credentials, made at stack start under {@code <work dir>/kafka/tls} (owner-only files):
 * a CA of this stack, the broker's certificate (127.0.0.1 and localhost), and a random SCRAM-SHA-512 password for
 * every principal of {@link KafkaAcls#principals()}. Services get theirs through the environment
 * ({@link #serviceEnvironment}); the harness's clients use the admin's ({@link #adminClientProperties}). Nothing here
 * prints a password; {@link #passwords()} exists so tests can look for them in logs.
 */
public final class KafkaSecurity {

    public static final String MECHANISM = "SCRAM-SHA-512";
    static final String DIR = "kafka/tls";
    private static final String CREDENTIALS = "credentials.properties";
    private static final String CA_CERT = "ca.pem";
    private static final String CA_KEY = "ca-key.pem";
    private static final String BROKER_KEYSTORE = "broker.pem";
    /** Client properties of the admin, for Kafka's command-line tools. */
    public static final String ADMIN_PROPERTIES = "admin.properties";
    private static final Duration VALIDITY = Duration.ofDays(30);

    private final Path dir;
    private final Map<String, String> passwords;

    private KafkaSecurity(Path dir, Map<String, String> passwords) {
        this.dir = dir;
        this.passwords = passwords;
    }

    /** This stack's credentials: read from {@code <workDir>/kafka/tls} when there, made (CA, broker cert, passwords) when not. */
    public static synchronized KafkaSecurity ensure(Path workDir) throws IOException {
        Path dir = workDir.resolve(DIR);
        if (Files.isRegularFile(dir.resolve(CREDENTIALS))) {
            return load(workDir);
        }
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Map<String, String> passwords = new LinkedHashMap<>();
        SecureRandom random = new SecureRandom();
        for (String principal : KafkaAcls.principals()) {
            byte[] b = new byte[24];
            random.nextBytes(b);
            passwords.put(principal, HexFormat.of().formatHex(b));
        }
        try {
            KeyPair ca = keyPair();
            X509Certificate caCert = certificate("CN=cutover-local-stack-ca", ca.getPublic(), "CN=cutover-local-stack-ca",
                    ca.getPrivate(), true);
            writePrivate(dir.resolve(CA_KEY), pemKey(ca.getPrivate()));
            writePrivate(dir.resolve(CA_CERT), pemCert(caCert));
            KeyPair broker = keyPair();
            X509Certificate brokerCert = certificate("CN=" + KafkaAcls.BROKER, broker.getPublic(),
                    "CN=cutover-local-stack-ca", ca.getPrivate(), false);
            writePrivate(dir.resolve(BROKER_KEYSTORE), pemKey(broker.getPrivate()) + pemCert(brokerCert) + pemCert(caCert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not make the stack's Kafka certificates: " + e.getMessage(), e);
        }
        Properties p = new Properties();
        p.putAll(passwords);
        Path file = dir.resolve(CREDENTIALS);
        writePrivate(file, "");
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "SCRAM-SHA-512 passwords of this local stack's Kafka principals");
        }
        KafkaSecurity security = new KafkaSecurity(dir, passwords);
        // for Kafka's own command-line tools (--command-config / --consumer.config), README "Kafka security"
        Properties admin = new Properties();
        admin.putAll(security.saslClientProperties(KafkaAcls.ADMIN));
        Path adminFile = dir.resolve(ADMIN_PROPERTIES);
        writePrivate(adminFile, "");
        try (Writer w = Files.newBufferedWriter(adminFile)) {
            admin.store(w, "the local stack's Kafka admin (a super user), for kafka-*.sh --command-config");
        }
        return security;
    }

    /** The credentials {@link #ensure} made for the stack in {@code workDir}. */
    public static KafkaSecurity load(Path workDir) throws IOException {
        Path dir = workDir.resolve(DIR);
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(CREDENTIALS))) {
            p.load(r);
        }
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String principal : KafkaAcls.principals()) {
            String pw = p.getProperty(principal);
            if (pw == null) {
                throw new IOException(dir.resolve(CREDENTIALS) + " has no password for " + principal);
            }
            passwords.put(principal, pw);
        }
        return new KafkaSecurity(dir, passwords);
    }

    /** The CA certificate (PEM) every client trusts. */
    public Path caCertificate() {
        return dir.resolve(CA_CERT);
    }

    /** The broker's private key and certificate chain (PEM), for {@code ssl.keystore.type=PEM}. */
    public Path brokerKeystore() {
        return dir.resolve(BROKER_KEYSTORE);
    }

    /** {@code principal}'s SCRAM password. */
    String password(String principal) {
        String pw = passwords.get(principal);
        if (pw == null) {
            throw new IllegalArgumentException("no Kafka principal " + principal + " (known: " + passwords.keySet() + ")");
        }
        return pw;
    }

    /** Every password of this stack, so a test can prove none of them reached a log. */
    public List<String> passwords() {
        return List.copyOf(passwords.values());
    }

    /** The JAAS line of a SCRAM login as {@code principal}. */
    String jaas(String principal) {
        return jaas(principal, password(principal));
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }

    /**
     * Client properties (without {@code bootstrap.servers}) of a SASL_SSL / SCRAM-SHA-512 client as {@code principal}.
     */
    public Map<String, String> saslClientProperties(String principal) {
        return saslClientProperties(principal, password(principal));
    }

    /** As {@link #saslClientProperties(String)} with any password: a wrong one must be refused. */
    public Map<String, String> saslClientProperties(String user, String password) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaas(user, password));
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", caCertificate().toString());
        return p;
    }

    /** The super user's client properties, with {@code bootstrap.servers}: the harness's clients and admin. */
    public Properties adminClientProperties(StackConfig cfg) {
        Properties p = new Properties();
        p.put("bootstrap.servers", cfg.kafkaBootstrapServers());
        p.putAll(saslClientProperties(KafkaAcls.ADMIN));
        return p;
    }

    /**
     * The environment that makes a service's Kafka clients (channels, outbox relay, dead letters) SASL_SSL clients as
     * {@code principal}: the same variables a production deployment sets (README "Kafka security").
     */
    public Map<String, String> serviceEnvironment(String principal) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_SASL_MECHANISM", MECHANISM);
        env.put("KAFKA_SASL_JAAS_CONFIG", jaas(principal));
        env.put("KAFKA_SSL_TRUSTSTORE_TYPE", "PEM");
        env.put("KAFKA_SSL_TRUSTSTORE_LOCATION", caCertificate().toString());
        return env;
    }

    /**
     * Issues a client certificate {@code CN=<principal>} from this stack's CA and returns the properties (without
     * {@code bootstrap.servers}) of an mTLS client ({@code security.protocol=SSL}) presenting it.
     */
    public Map<String, String> mtlsClientProperties(String principal) throws IOException {
        Path keystore = dir.resolve("client-" + principal + ".pem");
        try {
            PrivateKey caKey = readKey(dir.resolve(CA_KEY));
            X509Certificate caCert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(Files.readAllBytes(caCertificate())));
            KeyPair client = keyPair();
            X509Certificate cert = certificate("CN=" + principal, client.getPublic(), "CN=cutover-local-stack-ca", caKey,
                    false);
            writePrivate(keystore, pemKey(client.getPrivate()) + pemCert(cert) + pemCert(caCert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("could not issue a client certificate for " + principal + ": " + e.getMessage(), e);
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SSL");
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.location", keystore.toString());
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", caCertificate().toString());
        return p;
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, PublicKey key, String issuer, PrivateKey issuerKey,
            boolean ca) throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(VALIDITY)), new X500Name(subject), key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (ca) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static String pemKey(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded()); // PKCS#8, unencrypted: the file is the owner's only
    }

    private static String pemCert(X509Certificate cert) throws GeneralSecurityException {
        return pem("CERTIFICATE", cert.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    /** Writes {@code text} to a file only its owner can read (created that way, never world-readable for a moment). */
    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }
}
