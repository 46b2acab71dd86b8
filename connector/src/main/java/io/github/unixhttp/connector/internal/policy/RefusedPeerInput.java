package io.github.unixhttp.connector.internal.policy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Follows what a refused peer sends, only as far as needed to know when its first request has arrived and in which
 * protocol to answer: an HTTP/1 request head ends at an empty line (CRLF or a bare LF, which clients and attackers
 * send too); an HTTP/2 client with prior knowledge sends the connection preface, then frames, the first request
 * being a HEADERS frame; a TLS client (on a connector serving TLS) starts with a handshake record, read whole (its
 * length is in its header) so that closing leaves nothing unread. Nothing is parsed beyond that.
 */
public final class RefusedPeerInput
{
    enum Protocol
    {
        /** Too little has arrived to tell. */
        UNDECIDED,
        HTTP_1,
        HTTP_2,
        /** A TLS handshake record: no HTTP answer could be read by the peer, a TLS alert can. */
        TLS
    }

    /** The first byte of a TLS record carrying a handshake message (a ClientHello, here). */
    static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int TLS_RECORD_HEADER_LENGTH = 5;

    static final byte[] HTTP_2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int FRAME_HEADER_LENGTH = 9;
    private static final int TYPE_HEADERS = 0x1;
    private static final int TYPE_SETTINGS = 0x4;
    private static final int FLAG_ACK = 0x1;

    private Protocol protocol = Protocol.UNDECIDED;
    private int consumed;
    private boolean complete;

    // HTTP/1: whether the last byte that was not a CR ended a line.
    private boolean atLineStart;

    // HTTP/2: the frame header being read, then how much of its payload remains to skip.
    private final byte[] frameHeader = new byte[FRAME_HEADER_LENGTH];
    private int frameHeaderRead;
    private long payloadLeft;
    private int frameType;
    private boolean sawSettings;
    private int requestStream;

    // TLS: the record header being read, then how much of the record remains to skip.
    private final byte[] recordHeader = new byte[TLS_RECORD_HEADER_LENGTH];
    private int recordHeaderRead;
    private int recordLeft;

    /**
     * Consumes bytes until the first request is complete, leaving the rest in the buffer.
     *
     * @return whether the first request has been read whole
     */
    boolean consume(ByteBuffer input)
    {
        while (!complete && input.hasRemaining())
        {
            byte b = input.get();
            consumed++;
            switch (protocol)
            {
                case UNDECIDED -> decide(b);
                case HTTP_1 -> http1(b);
                case HTTP_2 -> http2(b);
                case TLS -> tls(b);
            }
        }
        return complete;
    }

    Protocol protocol()
    {
        return protocol;
    }

    /** @return how many bytes were consumed so far */
    int consumed()
    {
        return consumed;
    }

    /** @return HTTP/2: the stream of the first request, or 0 if none arrived */
    int requestStream()
    {
        return requestStream;
    }

    /** @return HTTP/2: whether the client's SETTINGS frame arrived (and must be acknowledged) */
    boolean sawSettings()
    {
        return sawSettings;
    }

    private void decide(byte b)
    {
        int index = consumed - 1;
        if (index == 0 && (b & 0xFF) == TLS_HANDSHAKE_RECORD)
        {
            protocol = Protocol.TLS;
            tls(b);
            return;
        }
        if (b == HTTP_2_PREFACE[index])
        {
            if (index == HTTP_2_PREFACE.length - 1)
                protocol = Protocol.HTTP_2;
            return;
        }
        // Not HTTP/2 after all: read what matched so far, and this byte, as the start of an HTTP/1 head.
        protocol = Protocol.HTTP_1;
        for (int i = 0; i < index && !complete; i++)
            http1(HTTP_2_PREFACE[i]);
        if (!complete)
            http1(b);
    }

    private void tls(byte b)
    {
        if (recordHeaderRead < TLS_RECORD_HEADER_LENGTH)
        {
            recordHeader[recordHeaderRead++] = b;
            if (recordHeaderRead == TLS_RECORD_HEADER_LENGTH)
            {
                recordLeft = (recordHeader[3] & 0xFF) << 8 | recordHeader[4] & 0xFF;
                complete = recordLeft == 0;
            }
            return;
        }
        complete = --recordLeft == 0;
    }

    private void http1(byte b)
    {
        if (b == '\n')
        {
            complete = atLineStart;
            atLineStart = true;
        }
        else if (b != '\r')
            atLineStart = false;
    }

    private void http2(byte b)
    {
        if (payloadLeft > 0)
        {
            payloadLeft--;
            complete = payloadLeft == 0 && frameType == TYPE_HEADERS && requestStream != 0;
            return;
        }
        frameHeader[frameHeaderRead++] = b;
        if (frameHeaderRead < FRAME_HEADER_LENGTH)
            return;
        frameHeaderRead = 0;
        payloadLeft = ((frameHeader[0] & 0xFF) << 16) | ((frameHeader[1] & 0xFF) << 8) | (frameHeader[2] & 0xFF);
        frameType = frameHeader[3] & 0xFF;
        int frameStream = ((frameHeader[5] & 0x7F) << 24) | ((frameHeader[6] & 0xFF) << 16) | ((frameHeader[7] & 0xFF) << 8) |
            (frameHeader[8] & 0xFF);
        if (frameType == TYPE_SETTINGS && (frameHeader[4] & FLAG_ACK) == 0)
            sawSettings = true;
        if (frameType == TYPE_HEADERS && frameStream != 0)
        {
            requestStream = frameStream;
            complete = payloadLeft == 0;
        }
    }
}
