package io.github.unixhttp.connector.internal.policy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RefusedPeerInputTest
{
    private static ByteBuffer ascii(String text)
    {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anHttp1HeadEndsAtTheEmptyLineAndWhatFollowsIsLeftInTheBuffer()
    {
        RefusedPeerInput input = new RefusedPeerInput();
        ByteBuffer bytes = ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY");
        assertTrue(input.consume(bytes));
        assertEquals(RefusedPeerInput.Protocol.HTTP_1, input.protocol());
        assertEquals("BODY", StandardCharsets.US_ASCII.decode(bytes).toString());
    }

    @Test
    void aBareLfEndsAnHttp1HeadToo()
    {
        RefusedPeerInput input = new RefusedPeerInput();
        assertTrue(input.consume(ascii("GET / HTTP/1.0\nHost: x\n\n")));
    }

    @Test
    void aHeadArrivingOneByteAtATimeIsCompleteOnlyAtItsEnd()
    {
        RefusedPeerInput input = new RefusedPeerInput();
        byte[] head = "GET / HTTP/1.1\r\nA: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < head.length - 1; i++)
            assertFalse(input.consume(ByteBuffer.wrap(head, i, 1)), "complete after byte " + i);
        assertTrue(input.consume(ByteBuffer.wrap(head, head.length - 1, 1)));
        assertEquals(head.length, input.consumed());
    }

    @Test
    void aTlsClientHelloIsReadToTheEndOfItsRecordAndNoFurther()
    {
        RefusedPeerInput input = new RefusedPeerInput();
        // A handshake record of 300 bytes (its length in bytes 4 and 5), then the start of another record.
        ByteBuffer bytes = ByteBuffer.allocate(5 + 300 + 2);
        bytes.put(new byte[]{0x16, 3, 1, 1, 44});
        bytes.put(new byte[300]);
        bytes.put(new byte[]{0x17, 3});
        bytes.flip();
        ByteBuffer head = bytes.duplicate().limit(3);
        assertFalse(input.consume(head));
        assertEquals(RefusedPeerInput.Protocol.TLS, input.protocol());
        bytes.position(3);
        assertTrue(input.consume(bytes));
        assertEquals(305, input.consumed());
        assertEquals(2, bytes.remaining());
    }

    @Test
    void tooLittleToTellStaysUndecided()
    {
        RefusedPeerInput input = new RefusedPeerInput();
        assertFalse(input.consume(ascii("PRI * HT")));
        assertEquals(RefusedPeerInput.Protocol.UNDECIDED, input.protocol());
    }

    @Test
    void anHttp2ClientIsCompleteAtItsFirstHeadersFrameAfterSettings()
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RefusedPeerInput.HTTP_2_PREFACE);
        out.writeBytes(frame(0x4, 0, 0, new byte[6]));          // SETTINGS, one setting
        out.writeBytes(frame(0x8, 0, 0, new byte[4]));          // WINDOW_UPDATE on the connection
        out.writeBytes(frame(0x1, 0x5, 1, new byte[3]));        // HEADERS, END_STREAM|END_HEADERS, stream 1
        RefusedPeerInput input = new RefusedPeerInput();
        ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
        assertTrue(input.consume(bytes));
        assertEquals(RefusedPeerInput.Protocol.HTTP_2, input.protocol());
        assertTrue(input.sawSettings());
        assertEquals(1, input.requestStream());
        assertFalse(bytes.hasRemaining());
    }

    @Test
    void anHttp2ClientWithoutARequestYetIsNotComplete()
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RefusedPeerInput.HTTP_2_PREFACE);
        out.writeBytes(frame(0x4, 0, 0, new byte[0]));
        RefusedPeerInput input = new RefusedPeerInput();
        assertFalse(input.consume(ByteBuffer.wrap(out.toByteArray())));
        assertTrue(input.sawSettings());
        assertEquals(0, input.requestStream());
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload)
    {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte)(payload.length >>> 16)).put((byte)(payload.length >>> 8)).put((byte)payload.length);
        frame.put((byte)type).put((byte)flags).putInt(stream).put(payload);
        return frame.array();
    }
}
