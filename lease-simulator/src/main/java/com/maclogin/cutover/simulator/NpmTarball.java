package com.maclogin.cutover.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.maclogin.cutover.contracts.Json;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * npm package tarballs ({@code .tgz}) of the stand-in: a deterministic writer ({@code npm pack}) and a reader for
 * {@code npm install <file>.tgz}.
 * <p>Writer: ustar entries {@code package/<path>}, sorted by path, no directory entries, mode 0644 or 0755, uid/gid 0,
 * no owner names, mtime 1985-10-26T08:15:00Z (npm's fixed tarball date), then a gzip stream with mtime 0, OS 3 and
 * <em>stored</em> deflate blocks. The deflate stream is written here, not by zlib, so the bytes (and the sha256) do
 * not depend on the JDK's zlib version.
 */
final class NpmTarball {

    /** npm's fixed mtime for packed entries: 1985-10-26T08:15:00Z. */
    static final long NPM_MTIME = 499_162_500L;
    private static final int BLOCK = 512;
    private static final int MAX_STORED = 65_535;
    private static final long MAX_UNPACKED = 64L * 1024 * 1024;
    private static final Map<String, byte[]> PACKED = new ConcurrentHashMap<>();

    private NpmTarball() {
    }

    /** npm's tarball file name for {@code openclaw@version}. */
    static String fileName(String version) {
        return "openclaw-" + version + ".tgz";
    }

    /** The packed stand-in at {@code version} (same bytes on every call, lease and run; callers must not modify). */
    static byte[] packed(String version) {
        return PACKED.computeIfAbsent(version, v -> gzipStored(tar(GatewayPackage.files(v))));
    }

    static byte[] tar(List<GatewayPackage.PackageFile> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.stream().sorted(Comparator.comparing(GatewayPackage.PackageFile::path)).forEach(f -> {
            byte[] header = new byte[BLOCK];
            byte[] name = ("package/" + f.path()).getBytes(StandardCharsets.UTF_8);
            if (name.length > 100) {
                throw new IllegalArgumentException("path too long for a ustar name: " + f.path());
            }
            System.arraycopy(name, 0, header, 0, name.length);
            octal(header, 100, 8, f.mode());
            octal(header, 108, 8, 0);
            octal(header, 116, 8, 0);
            octal(header, 124, 12, f.content().length);
            octal(header, 136, 12, NPM_MTIME);
            header[156] = '0';
            System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
            header[263] = '0';
            header[264] = '0';
            Arrays.fill(header, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            octal(header, 148, 7, sum);
            header[155] = ' ';
            out.writeBytes(header);
            out.writeBytes(f.content());
            int pad = (BLOCK - f.content().length % BLOCK) % BLOCK;
            out.writeBytes(new byte[pad]);
        });
        out.writeBytes(new byte[2 * BLOCK]);
        return out.toByteArray();
    }

    /** {@code width - 1} zero-padded octal digits and a NUL. */
    private static void octal(byte[] header, int offset, int width, long value) {
        String digits = Long.toOctalString(value);
        if (digits.length() > width - 1) {
            throw new IllegalArgumentException("value too large for a tar header field: " + value);
        }
        String field = "0".repeat(width - 1 - digits.length()) + digits;
        System.arraycopy(field.getBytes(StandardCharsets.US_ASCII), 0, header, offset, width - 1);
        header[offset + width - 1] = 0;
    }

    /** RFC 1952 member: header without name or mtime, stored deflate blocks, CRC-32 and size trailer. */
    static byte[] gzipStored(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + data.length / MAX_STORED * 5 + 32);
        out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        int pos = 0;
        do {
            int len = Math.min(MAX_STORED, data.length - pos);
            boolean last = pos + len == data.length;
            out.write(last ? 1 : 0);
            out.write(len & 0xff);
            out.write(len >>> 8);
            out.write(~len & 0xff);
            out.write((~len >>> 8) & 0xff);
            out.write(data, pos, len);
            pos += len;
        } while (pos < data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        writeIntLe(out, (int) crc.getValue());
        writeIntLe(out, data.length);
        return out.toByteArray();
    }

    private static void writeIntLe(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** Why a tarball cannot be installed: npm's error code and message lines (without the "npm error " prefix). */
    static final class BadTarballException extends Exception {
        final String code;

        BadTarballException(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** An unpacked npm package: name and version from its package.json, its bin target, its files. */
    record Unpacked(String name, String version, String binTarget, List<GatewayPackage.PackageFile> files) {
    }

    /**
     * Reads a package tarball the way npm's extraction does: gunzip (CRC checked), ustar/GNU/pax headers (checksum
     * checked), the first path component stripped, only regular files kept, unsafe paths skipped. Then
     * {@code package.json} must exist and name a package and a version.
     */
    static Unpacked read(InputStream raw) throws BadTarballException {
        List<GatewayPackage.PackageFile> files = new ArrayList<>();
        try (GZIPInputStream in = new GZIPInputStream(raw, 8192)) {
            long total = 0;
            String longName = null;
            String paxPath = null;
            while (true) {
                byte[] header = in.readNBytes(BLOCK);
                if (header.length < BLOCK) {
                    throw new BadTarballException("TAR_BAD_ARCHIVE", "TAR_BAD_ARCHIVE: Truncated input (needed "
                            + BLOCK + " more bytes, only " + header.length + " available)");
                }
                if (isZero(header)) {
                    break;
                }
                checkChecksum(header);
                char type = (char) header[156];
                long size = parseOctal(header, 124, 12);
                if (size < 0 || total + size > MAX_UNPACKED) {
                    throw new BadTarballException("TAR_BAD_ARCHIVE", "TAR_BAD_ARCHIVE: entry size out of range");
                }
                byte[] data = in.readNBytes((int) size);
                if (data.length < size) {
                    throw new BadTarballException("TAR_BAD_ARCHIVE", "TAR_BAD_ARCHIVE: Truncated input");
                }
                int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
                if (in.readNBytes(pad).length < pad) {
                    throw new BadTarballException("TAR_BAD_ARCHIVE", "TAR_BAD_ARCHIVE: Truncated input");
                }
                switch (type) {
                    case 'L' -> {
                        longName = cString(data, 0, data.length);
                        continue;
                    }
                    case 'x' -> {
                        paxPath = paxPath(data);
                        continue;
                    }
                    case 'g' -> {
                        continue;
                    }
                    default -> { }
                }
                String name = longName != null ? longName : paxPath != null ? paxPath : entryName(header);
                longName = null;
                paxPath = null;
                if (type != '0' && type != '\0' && type != '7') {
                    continue; // directories are implied, links and devices are dropped (as pacote does)
                }
                String path = strip1(name);
                if (path == null) {
                    continue;
                }
                total += size;
                int mode = (int) parseOctal(header, 100, 8);
                files.add(new GatewayPackage.PackageFile(path, data, (mode & 0111) != 0 ? 0755 : 0644));
            }
            in.transferTo(OutputStream.nullOutputStream()); // reach the trailer: CRC-32 and size are checked
        } catch (ZipException e) {
            throw new BadTarballException("Z_DATA_ERROR", "zlib: " + (e.getMessage() == null ? "invalid data"
                    : e.getMessage().replace("Not in GZIP format", "incorrect header check")));
        } catch (EOFException e) {
            throw new BadTarballException("Z_BUF_ERROR", "zlib: unexpected end of file");
        } catch (IOException e) {
            throw new BadTarballException("TAR_BAD_ARCHIVE", "TAR_BAD_ARCHIVE: " + e.getMessage());
        }
        GatewayPackage.PackageFile manifest = files.stream().filter(f -> f.path().equals("package.json")).findFirst()
                .orElseThrow(() -> new BadTarballException("ENOENT", "package.json not found in the tarball"));
        JsonNode pkg;
        try {
            pkg = Json.MAPPER.readTree(manifest.content());
        } catch (IOException e) {
            throw new BadTarballException("EJSONPARSE", "Invalid package.json in the tarball: " + firstLine(e.getMessage()));
        }
        String name = pkg.path("name").asText("");
        String version = pkg.path("version").asText("");
        if (name.isEmpty() || version.isEmpty()) {
            throw new BadTarballException("EINVALIDPACKAGENAME", "package.json in the tarball has no name or version");
        }
        JsonNode bin = pkg.path("bin");
        String binTarget = bin.isTextual() ? bin.asText() : bin.path(name).asText(null);
        return new Unpacked(name, version, binTarget == null ? null : binTarget.replaceFirst("^\\./", ""),
                List.copyOf(files));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkChecksum(byte[] header) throws BadTarballException {
        long stored = parseOctal(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        if (stored != sum) {
            throw new BadTarballException("TAR_BAD_ARCHIVE", "TAR_BAD_ARCHIVE: Unrecognized archive format");
        }
    }

    private static long parseOctal(byte[] header, int offset, int width) throws BadTarballException {
        String s = cString(header, offset, width).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new BadTarballException("TAR_BAD_ARCHIVE", "TAR_BAD_ARCHIVE: Unrecognized archive format");
        }
    }

    private static String cString(byte[] b, int offset, int width) {
        int end = offset;
        while (end < offset + width && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String entryName(byte[] header) {
        String name = cString(header, 0, 100);
        String magic = cString(header, 257, 6);
        String prefix = magic.startsWith("ustar") ? cString(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String paxPath(byte[] data) {
        String records = new String(data, StandardCharsets.UTF_8);
        for (String line : records.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) {
                return line.substring(sp + 1 + "path=".length());
            }
        }
        return null;
    }

    /** Drops the first path component (npm's {@code strip: 1}); null for an unsafe or empty rest. */
    private static String strip1(String name) {
        String n = name.replace('\\', '/');
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        int slash = n.indexOf('/');
        if (n.startsWith("/") || slash < 0) {
            return null;
        }
        String rest = n.substring(slash + 1);
        if (rest.isEmpty() || rest.endsWith("/")) {
            return null;
        }
        for (String part : rest.split("/")) {
            if (part.isEmpty() || part.equals("..") || part.equals(".")) {
                return null;
            }
        }
        return rest;
    }
}
