package io.github.unixhttp.connector.internal.binding;

import java.util.List;

import io.github.unixhttp.core.internal.nativeedge.FileStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The records a drain follows: from the replaced socket, through every later replacement, to the one at the path. */
class TakeoverRecordTest
{
    private static FileStatus socket(long inode)
    {
        return new FileStatus(FileStatus.S_IFSOCK, 0600, 1000, 1000, 42, inode);
    }

    @Test
    void aChainOfReplacementsLeadsFromTheFirstSocketToTheLast()
    {
        List<TakeoverRecord> records = TakeoverRecord.parseAll(TakeoverRecord.of(socket(1), socket(2)).text() +
            "garbled line\n" + TakeoverRecord.of(socket(2), socket(3)).text());
        assertEquals(2, records.size());
        assertTrue(TakeoverRecord.chainLeads(records, socket(1), socket(2)));
        assertTrue(TakeoverRecord.chainLeads(records, socket(1), socket(3)), "taken over, and its successor too");
        assertTrue(TakeoverRecord.chainLeads(records, socket(2), socket(3)));
        assertFalse(TakeoverRecord.chainLeads(records, socket(1), socket(9)), "a socket no record leads to: a hard link, say");
        assertFalse(TakeoverRecord.chainLeads(records, socket(3), socket(1)), "not backwards");
        assertFalse(TakeoverRecord.chainLeads(List.of(), socket(1), socket(2)));
    }

    @Test
    void aCycleOfRecordsEnds()
    {
        List<TakeoverRecord> records = List.of(TakeoverRecord.of(socket(1), socket(2)), TakeoverRecord.of(socket(2), socket(1)));
        assertFalse(TakeoverRecord.chainLeads(records, socket(1), socket(7)));
    }
}
