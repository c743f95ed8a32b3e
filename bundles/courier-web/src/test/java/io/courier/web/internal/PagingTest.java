package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PagingTest {

    @Test
    void absentOrBlankParametersTakeTheirDefaults() {
        assertEquals(new Paging(0, Paging.DEFAULT_LIMIT), Paging.parse(null, null));
        assertEquals(new Paging(0, Paging.DEFAULT_LIMIT), Paging.parse("", " "));
        assertEquals(new Paging(20, 10), Paging.parse("20", " 10 "));
    }

    @Test
    void badNumbersAre400sThatNameTheParameterAndTheRange() {
        assertEquals("offset must be a whole number from 0 on, not '-1'", bad("-1", null));
        assertEquals("offset must be a whole number from 0 on, not 'x'", bad("x", null));
        assertEquals("limit must be a whole number from 1 to 500, not '0'", bad(null, "0"));
        assertEquals("limit must be a whole number from 1 to 500, not '501'", bad(null, "501"));
        assertEquals("limit must be a whole number from 1 to 500, not '1.5'", bad(null, "1.5"));
        assertEquals("limit must be a whole number from 1 to 500, not '99999999999'", bad(null, "99999999999"));
    }

    @Test
    void pagesFollowEachOther() {
        Paging p = new Paging(0, 10);
        assertEquals(new Paging(10, 10), p.next());
        assertEquals(new Paging(0, 10), p.next().previous());
        assertEquals(new Paging(0, 10), new Paging(5, 10).previous());
    }

    private static String bad(String offset, String limit) {
        WebException e = assertThrows(WebException.class, () -> Paging.parse(offset, limit));
        assertEquals(400, e.status());
        return e.getMessage();
    }
}
