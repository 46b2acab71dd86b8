package io.github.unixhttp.connector.internal.policy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a refused peer gets: a {@code 403 Forbidden} (or, over its caller's connection limit, a {@code 503
 * Service Unavailable} with a {@code Retry-After}) in the protocol it spoke, with a short text body.
 */
public final class RefusalAnswers
{
    private static final int TYPE_DATA = 0x0;
    private static final int TYPE_HEADERS = 0x1;
    private static final int TYPE_SETTINGS = 0x4;
    private static final int TYPE_GOAWAY = 0x7;
    private static final int FLAG_END_STREAM = 0x1;
    private static final int FLAG_ACK = 0x1;
    private static final int FLAG_END_HEADERS = 0x4;
    private static final int NO_ERROR = 0x0;
    private static final int REFUSED_STREAM = 0x7;
    /** HPACK static table entries (RFC 7541 appendix A) whose names the answer's header fields use. */
    private static final int STATUS_NAME = 8;
    private static final int CONTENT_LENGTH_NAME = 28;
    private static final int CONTENT_TYPE_NAME = 31;
    private static final int RETRY_AFTER_NAME = 53;
    private static final String CONTENT_TYPE = "text/plain; charset=utf-8";

    private RefusalAnswers()
    {
    }

    /**
     * @param retryAfterSeconds the {@code Retry-After} to send, or 0 for none
     */
    /**
     * @param description the alert's description (RFC 8446 section 6)
     * @return a fatal TLS alert record, in the clear: what a TLS client can read before any handshake, and reports
     *         by name ("tlsv1 alert access denied")
     */
    static ByteBuffer tlsAlert(int description)
    {
        // Record type 21 (alert), legacy record version TLS 1.2, length 2; level 2 (fatal), then the description.
        return ByteBuffer.wrap(new byte[]{21, 3, 3, 0, 2, 2, (byte)description});
    }

    static ByteBuffer http1(int status, String reason, long retryAfterSeconds, String body)
    {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + CONTENT_TYPE + "\r\nContent-Length: " +
            bodyBytes.length + (retryAfterSeconds > 0 ? "\r\nRetry-After: " + retryAfterSeconds : "") +
            "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(headBytes.length + bodyBytes.length).put(headBytes).put(bodyBytes).flip();
    }

    /**
     * The server's SETTINGS (and the acknowledgement of the client's), then, for a request on {@code stream}, the
     * answer on that stream; then GOAWAY, whose debug data carries the body's text for clients that show it:
     * NO_ERROR once the request is answered, REFUSED_STREAM if no request came.
     *
     * @param retryAfterSeconds the {@code retry-after} to send, or 0 for none
     */
    static ByteBuffer http2(int status, long retryAfterSeconds, String body, int stream, boolean ackSettings)
    {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, TYPE_SETTINGS, 0, 0, new byte[0]);
        if (ackSettings)
            frame(out, TYPE_SETTINGS, FLAG_ACK, 0, new byte[0]);
        if (stream > 0)
        {
            ByteArrayOutputStream fields = new ByteArrayOutputStream();
            literalField(fields, STATUS_NAME, Integer.toString(status));
            literalField(fields, CONTENT_TYPE_NAME, CONTENT_TYPE);
            literalField(fields, CONTENT_LENGTH_NAME, Integer.toString(bodyBytes.length));
            if (retryAfterSeconds > 0)
                literalField(fields, RETRY_AFTER_NAME, Long.toString(retryAfterSeconds));
            frame(out, TYPE_HEADERS, FLAG_END_HEADERS, stream, fields.toByteArray());
            frame(out, TYPE_DATA, FLAG_END_STREAM, stream, bodyBytes);
        }
        ByteBuffer goAway = ByteBuffer.allocate(8 + bodyBytes.length).putInt(stream).putInt(stream > 0 ? NO_ERROR : REFUSED_STREAM)
            .put(bodyBytes);
        frame(out, TYPE_GOAWAY, 0, 0, goAway.array());
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static void frame(ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload)
    {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.write(payload, 0, payload.length);
    }

    /** A literal header field without indexing, its name from the static table, its value a plain string. */
    private static void literalField(ByteArrayOutputStream out, int nameIndex, String value)
    {
        integer(out, 0x00, 4, nameIndex);
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        integer(out, 0x00, 7, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    /** An HPACK integer (RFC 7541 section 5.1) with an N-bit prefix after the given high bits. */
    private static void integer(ByteArrayOutputStream out, int highBits, int prefixBits, int value)
    {
        int max = (1 << prefixBits) - 1;
        if (value < max)
        {
            out.write(highBits | value);
            return;
        }
        out.write(highBits | max);
        value -= max;
        while (value >= 128)
        {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
