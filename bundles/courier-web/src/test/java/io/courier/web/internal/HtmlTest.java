package io.courier.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void textAndAttributesAreEscaped() {
        assertEquals("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;",
                Html.escape("<script>alert('x')</script> & \""));
        assertEquals("<td>&lt;b&gt;</td>", new Html().tag("td", "<b>").toString());
        assertEquals("<td class=\"num\">5</td>", new Html().tag("td class=\"num\"", 5).toString());
        assertEquals("<td>-</td>", new Html().tag("td", null).toString());
        assertEquals("<a href=\"/courier/browse?name=a&amp;b\">&lt;x&gt;</a>",
                new Html().link("/courier/browse?name=a&b", "<x>").toString());
    }

    @Test
    void formsCarryTheCsrfToken() {
        assertEquals("<form class=\"inline\" method=\"post\" action=\"/courier/retry\">"
                + "<input type=\"hidden\" name=\"csrf\" value=\"t&quot;\">"
                + "<input type=\"hidden\" name=\"msgId\" value=\"m1\"><button type=\"submit\">Retry</button></form>",
                new Html().button("/courier/retry", "Retry", "t\"", "msgId", "m1").toString());
    }

    @Test
    void namesInLinksAreUrlEncoded() {
        assertEquals("/courier/browse?name=%2Fbank%2Ftransfers&dead=true", Pages.browse("/bank/transfers", true, null));
        assertEquals("/courier/browse?name=a%26b&offset=10&limit=5", Pages.browse("a&b", false, new Paging(10, 5)));
    }
}
