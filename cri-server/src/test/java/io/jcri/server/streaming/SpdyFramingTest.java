package io.jcri.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyHeadersFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

/**
 * The bytes of the frames the streaming server sends, read the way spdystream's framer reads them (spdy/read.go):
 * a SYN_REPLY carries a zlib block even without headers, all blocks of a connection form one zlib stream primed
 * with the SPDY/3 dictionary, and the fixed-size frames have the lengths and flags spdystream checks.
 */
class SpdyFramingTest {
    private static EmbeddedChannel channel() {
        // the pipeline HttpRouter builds after the upgrade, minus the session
        return new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1), new SpdyHeaderFrameEncoder());
    }

    private static ByteBuf written(EmbeddedChannel ch, Object frame) {
        ch.writeOutbound(frame);
        return ch.readOutbound();
    }

    @Test
    void synRepliesWithoutHeadersCarryACompressedEmptyBlockInOneZlibStream() throws Exception {
        EmbeddedChannel ch = channel();
        Inflater inflater = new Inflater();
        for (int stream : new int[] {1, 3, 5}) {
            ByteBuf f = written(ch, new DefaultSpdySynReplyFrame(stream));
            try {
                assertThat(f.getInt(0)).as("control bit, version 3, type SYN_REPLY").isEqualTo(0x80030002);
                int length = f.getInt(4) & 0xFFFFFF;
                assertThat(f.getInt(4) >>> 24).as("flags").isZero();
                assertThat(length).as("stream id plus a non-empty block").isGreaterThan(4)
                        .isEqualTo(f.readableBytes() - 8);
                assertThat(f.getInt(8)).isEqualTo(stream);
                byte[] block = new byte[length - 4];
                f.getBytes(12, block);
                // the connection's one inflater, as spdystream keeps one per direction
                assertThat(inflate(inflater, block)).as("the pair count 0").containsExactly(0, 0, 0, 0);
                assertThat(inflater.getRemaining()).as("the block is used up exactly").isZero();
            } finally {
                f.release();
            }
        }
        inflater.end();
        ch.finishAndReleaseAll();
    }

    @Test
    void theDictionaryIsSpdy3s() throws Exception {
        // Netty's copy of the same spec constant, which its decoder (and our test client's) primes zlib with
        var f = Class.forName("io.netty.handler.codec.spdy.SpdyCodecUtil").getDeclaredField("SPDY_DICT");
        f.setAccessible(true);
        assertThat(SpdyDictionary.BYTES).hasSize(1423).isEqualTo((byte[]) f.get(null));
    }

    @Test
    void headerPairsAreLengthPrefixedWithValuesJoinedByNul() throws Exception {
        EmbeddedChannel ch = channel();
        DefaultSpdyHeadersFrame h = new DefaultSpdyHeadersFrame(7);
        h.headers().add("x-test", "a");
        h.headers().add("x-test", "b");
        ByteBuf f = written(ch, h);
        byte[] block = new byte[f.readableBytes() - 12];
        f.getBytes(12, block);
        f.release();
        Inflater inflater = new Inflater();
        byte[] raw = inflate(inflater, block);
        inflater.end();
        assertThat(raw).containsExactly(0, 0, 0, 1, 0, 0, 0, 6, 'x', '-', 't', 'e', 's', 't', 0, 0, 0, 3, 'a', 0, 'b');
        ch.finishAndReleaseAll();
    }

    @Test
    void fixedSizeFramesAreWhatSpdystreamChecks() {
        EmbeddedChannel ch = channel();
        ByteBuf rst = written(ch, new DefaultSpdyRstStreamFrame(3, SpdyStreamStatus.CANCEL));
        assertThat(rst.getInt(0)).isEqualTo(0x80030003);
        assertThat(rst.getInt(4)).as("flags 0, length 8").isEqualTo(8);
        assertThat(rst.getInt(12)).as("status CANCEL, never 0").isEqualTo(5);
        ByteBuf ping = written(ch, new DefaultSpdyPingFrame(1));
        assertThat(ping.getInt(0)).isEqualTo(0x80030006);
        assertThat(ping.getInt(4)).as("flags 0, length 4").isEqualTo(4);
        ByteBuf goAway = written(ch, new DefaultSpdyGoAwayFrame(0));
        assertThat(goAway.getInt(0)).isEqualTo(0x80030007);
        assertThat(goAway.getInt(4)).as("flags 0, length 8 (SPDY/3 has the status)").isEqualTo(8);
        ByteBuf fin = written(ch, new DefaultSpdyDataFrame(5, Unpooled.EMPTY_BUFFER).setLast(true));
        assertThat(fin.getInt(0)).isEqualTo(5);
        assertThat(fin.getInt(4)).as("FIN, length 0").isEqualTo(0x01000000);
        for (ByteBuf b : new ByteBuf[] {rst, ping, goAway, fin}) {
            b.release();
        }
        ch.finishAndReleaseAll();
    }

    private static byte[] inflate(Inflater inflater, byte[] block) throws Exception {
        inflater.setInput(block);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        while (true) {
            int n = inflater.inflate(buf);
            if (n == 0 && inflater.needsDictionary()) {
                inflater.setDictionary(SpdyDictionary.BYTES);
                continue;
            }
            if (n == 0) {
                break;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
