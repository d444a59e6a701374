package io.slotstream.edge.outcome;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueryStringDecodingTest {

    @Test
    void findsTheFirstParameterThatIsNotPercentEncodedUtf8() {
        assertThat(QueryStringDecoding.firstBadParameter("a=1&status=%zz&b=%")).get()
                .extracting(QueryStringDecoding.BadParameter::name).isEqualTo("status");
        assertThat(QueryStringDecoding.firstBadParameter("a%2=1")).get()
                .extracting(QueryStringDecoding.BadParameter::name).isEqualTo("a%2");
        assertThat(QueryStringDecoding.firstBadParameter("name=%C3%28")).get()
                .extracting(QueryStringDecoding.BadParameter::name).isEqualTo("name");
        assertThat(QueryStringDecoding.firstBadParameter("n%61me=%C3%A9&x=a+b&flag")).isEmpty();
        assertThat(QueryStringDecoding.firstBadParameter(null)).isEmpty();
    }

    @Test
    void decodesPercentAndPlus() {
        assertThat(QueryStringDecoding.decode("caf%C3%A9+au+lait")).contains("café au lait");
        assertThat(QueryStringDecoding.decode("%4")).isEmpty();
        assertThat(QueryStringDecoding.decode("%g0")).isEmpty();
    }
}
