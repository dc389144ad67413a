package com.maclogin.cutover.simulator;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Ed25519 key files in OpenSSH format (readable by OpenSSH, sshj and MINA sshd). */
public final class SshKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_TYPE = "ssh-ed25519";

    private SshKeys() {
    }

    /**
     * Writes a new unencrypted OpenSSH ed25519 private key to {@code privateKeyFile} (mode 0600) and its public key to
     * {@code <file>.pub}; returns the public key line {@code ssh-ed25519 AAAA...} (no comment).
     */
    public static String generateEd25519(Path privateKeyFile) throws IOException {
        return generateEd25519(privateKeyFile, "lease-simulator@" + privateKeyFile.getFileName());
    }

    static String generateEd25519(Path privateKeyFile, String comment) throws IOException {
        Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(RANDOM);
        byte[] seed = priv.getEncoded();
        byte[] pub = priv.generatePublicKey().getEncoded();
        byte[] publicBlob = publicBlob(pub);

        ByteArrayOutputStream privSection = new ByteArrayOutputStream();
        DataOutputStream p = new DataOutputStream(privSection);
        int check = RANDOM.nextInt();
        p.writeInt(check);
        p.writeInt(check);
        writeString(p, KEY_TYPE.getBytes(StandardCharsets.US_ASCII));
        writeString(p, pub);
        byte[] secret = new byte[64];
        System.arraycopy(seed, 0, secret, 0, 32);
        System.arraycopy(pub, 0, secret, 32, 32);
        writeString(p, secret);
        writeString(p, comment.getBytes(StandardCharsets.UTF_8));
        for (int pad = 1; privSection.size() % 8 != 0; pad++) {
            p.writeByte(pad);
        }

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DataOutputStream f = new DataOutputStream(file);
        f.write("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII));
        writeString(f, "none".getBytes(StandardCharsets.US_ASCII));
        writeString(f, "none".getBytes(StandardCharsets.US_ASCII));
        writeString(f, new byte[0]);
        f.writeInt(1);
        writeString(f, publicBlob);
        writeString(f, privSection.toByteArray());

        String b64 = Base64.getEncoder().encodeToString(file.toByteArray());
        StringBuilder pem = new StringBuilder("-----BEGIN OPENSSH PRIVATE KEY-----\n");
        for (int i = 0; i < b64.length(); i += 70) {
            pem.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
        }
        pem.append("-----END OPENSSH PRIVATE KEY-----\n");

        Path parent = privateKeyFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, pem.toString(), StandardCharsets.US_ASCII);
        Files.move(tmp, privateKeyFile, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        String line = KEY_TYPE + " " + Base64.getEncoder().encodeToString(publicBlob);
        Path pubFile = privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
        Files.writeString(pubFile, line + " " + comment + "\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(pubFile, PosixFilePermissions.fromString("rw-r--r--"));
        return line;
    }

    /** The public key line {@code type base64} (comment dropped) read from a {@code .pub} file. */
    static String readPublicLine(Path pubFile) throws IOException {
        return normalizePublicLine(Files.readString(pubFile, StandardCharsets.US_ASCII));
    }

    /** {@code "type base64"} of an OpenSSH public key line (options are not supported), or null if malformed. */
    static String normalizePublicLine(String line) {
        if (line == null) {
            return null;
        }
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 2 || !parts[0].matches("[a-z0-9@.-]+")) {
            return null;
        }
        try {
            Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return parts[0] + " " + parts[1];
    }

    private static byte[] publicBlob(byte[] pub) throws IOException {
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(blob);
        writeString(b, KEY_TYPE.getBytes(StandardCharsets.US_ASCII));
        writeString(b, pub);
        return blob.toByteArray();
    }

    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
