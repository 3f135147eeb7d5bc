// The SPDY/3.1 frame codec behind the sandbox's pods/portforward: every frame type round-trips,
// header blocks share one zlib context per direction (with the SPDY/3 dictionary), and the bytes
// the real kubectl 1.32 sends decode to the streams kubelet expects.

#include "infra/sandbox/spdy_codec.h"

#include <QTest>

using namespace bc::sandbox::spdy;

namespace {

Frame roundTrip(const Frame &frame)
{
    FrameWriter writer;
    FrameReader reader;
    const std::string bytes = writer.encode(frame);
    // Fed one byte at a time: frames arrive cut anywhere (WebSocket messages, TCP segments).
    std::optional<Frame> decoded;
    for (char c : bytes) {
        if (decoded)
            break;
        reader.feed(&c, 1);
        decoded = reader.next();
    }
    if (!decoded)
        throw std::runtime_error("frame did not decode");
    return *decoded;
}

std::string fromHex(const char *hex)
{
    return QByteArray::fromHex(hex).toStdString();
}

} // namespace

class TstSpdyCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void synStreamRoundTrips()
    {
        Frame f;
        f.type = FrameType::SynStream;
        f.flags = kFlagFin | kFlagUnidirectional;
        f.streamId = 7;
        f.associatedId = 3;
        f.priority = 5;
        f.slot = 2;
        f.headers = {{"streamtype", "data"}, {"port", "5432"}, {"requestid", "12"}, {"multi", std::string("a\0b", 3)}};
        const Frame g = roundTrip(f);
        QCOMPARE(int(g.type), int(FrameType::SynStream));
        QCOMPARE(g.flags, f.flags);
        QCOMPARE(g.streamId, 7u);
        QCOMPARE(g.associatedId, 3u);
        QCOMPARE(g.priority, 5);
        QCOMPARE(g.slot, 2);
        QVERIFY(g.headers == f.headers);
        QCOMPARE(g.header("port"), std::string("5432"));
        QCOMPARE(g.header("multi"), std::string("a")); // first of the NUL-separated values
        QCOMPARE(g.header("absent"), std::string());
    }

    void synReplyAndHeadersRoundTrip()
    {
        for (FrameType type : {FrameType::SynReply, FrameType::Headers}) {
            Frame f;
            f.type = type;
            f.streamId = 9;
            f.flags = kFlagFin;
            f.headers = {{"status", "200"}};
            const Frame g = roundTrip(f);
            QCOMPARE(int(g.type), int(type));
            QCOMPARE(g.streamId, 9u);
            QVERIFY(g.fin());
            QVERIFY(g.headers == f.headers);
        }
        Frame empty; // the reply the sandbox sends to each stream kubectl opens
        empty.type = FrameType::SynReply;
        empty.streamId = 1;
        QVERIFY(roundTrip(empty).headers.empty());
    }

    void controlFramesRoundTrip()
    {
        Frame rst;
        rst.type = FrameType::RstStream;
        rst.streamId = 5;
        rst.status = kRefusedStream;
        Frame g = roundTrip(rst);
        QCOMPARE(int(g.type), int(FrameType::RstStream));
        QCOMPARE(g.streamId, 5u);
        QCOMPARE(g.status, kRefusedStream);

        Frame ping;
        ping.type = FrameType::Ping;
        ping.pingId = 0x7fff0001u;
        g = roundTrip(ping);
        QCOMPARE(int(g.type), int(FrameType::Ping));
        QCOMPARE(g.pingId, 0x7fff0001u);

        Frame away;
        away.type = FrameType::GoAway;
        away.streamId = 11;
        away.status = 1;
        g = roundTrip(away);
        QCOMPARE(int(g.type), int(FrameType::GoAway));
        QCOMPARE(g.streamId, 11u);
        QCOMPARE(g.status, 1u);

        Frame window;
        window.type = FrameType::WindowUpdate;
        window.streamId = 3;
        window.delta = 65536;
        g = roundTrip(window);
        QCOMPARE(int(g.type), int(FrameType::WindowUpdate));
        QCOMPARE(g.streamId, 3u);
        QCOMPARE(g.delta, 65536u);

        Frame settings;
        settings.type = FrameType::Settings;
        settings.settings = {{1, 4, 100}, {0, 7, 65536}};
        g = roundTrip(settings);
        QCOMPARE(int(g.type), int(FrameType::Settings));
        QCOMPARE(g.settings.size(), size_t(2));
        QCOMPARE(g.settings[0].flags, 1);
        QCOMPARE(g.settings[0].id, 4u);
        QCOMPARE(g.settings[0].value, 100u);
        QCOMPARE(g.settings[1].id, 7u);
        QCOMPARE(g.settings[1].value, 65536u);
    }

    void dataFramesRoundTrip()
    {
        Frame f;
        f.type = FrameType::Data;
        f.streamId = 3;
        f.data = std::string(70000, 'x') + std::string("\0\xff", 2);
        const Frame g = roundTrip(f);
        QCOMPARE(int(g.type), int(FrameType::Data));
        QCOMPARE(g.streamId, 3u);
        QVERIFY(!g.fin());
        QCOMPARE(g.data, f.data);

        Frame fin;
        fin.type = FrameType::Data;
        fin.streamId = 1;
        fin.flags = kFlagFin;
        QVERIFY(roundTrip(fin).fin());
        QVERIFY(roundTrip(fin).data.empty());

        FrameWriter writer;
        Frame bad;
        bad.type = FrameType::Data; // stream 0 is not a stream
        QVERIFY_THROWS_EXCEPTION(ProtocolError, writer.encode(bad));
    }

    void headerBlocksShareOneCompressionContext()
    {
        FrameWriter writer;
        Frame f;
        f.type = FrameType::SynStream;
        f.streamId = 1;
        f.headers = {{"streamtype", "error"}, {"port", "5432"}, {"requestid", "0"}};
        const std::string first = writer.encode(f);
        f.streamId = 3;
        const std::string second = writer.encode(f);
        // The second block refers back to the first: shorter, and unreadable without it.
        QVERIFY2(second.size() < first.size(), qPrintable(QStringLiteral("%1 >= %2").arg(second.size()).arg(first.size())));
        FrameReader fresh;
        fresh.feed(second.data(), second.size());
        QVERIFY_THROWS_EXCEPTION(ProtocolError, fresh.next());
        FrameReader reader;
        reader.feed(first.data(), first.size());
        reader.feed(second.data(), second.size());
        QCOMPARE(reader.next()->streamId, 1u);
        const auto again = reader.next();
        QCOMPARE(again->streamId, 3u);
        QVERIFY(again->headers == f.headers);
        QVERIFY(!reader.next());
        // zlib stream with a preset dictionary: FDICT set in the header (RFC 1950).
        QVERIFY((static_cast<unsigned char>(first[19]) & 0x20) != 0);
    }

    void headerBlockEncoding()
    {
        const HeaderList headers{{"port", "80"}};
        const std::string block = encodeHeaderBlock(headers);
        QCOMPARE(block, fromHex("00000001" "00000004") + "port" + fromHex("00000002") + "80");
        QVERIFY(decodeHeaderBlock(block) == headers);
        QVERIFY_THROWS_EXCEPTION(ProtocolError, decodeHeaderBlock(block.substr(0, block.size() - 1)));
        QVERIFY_THROWS_EXCEPTION(ProtocolError, decodeHeaderBlock(block + "x"));
    }

    void decodesWhatKubectlSends()
    {
        // Captured from kubectl 1.32 `port-forward pod/echo 17004:7000` (classic SPDY) after its
        // upgrade: error stream, its FIN, data stream, "ping", the data stream's FIN.
        const std::string bytes = fromHex(
            "800300010000003e0000000100000000000078f9e3c6a7c202253a48f95b044eeae60606060c0c0c9c4590f8ca04"
            "a5634603704a2c294a4dcc851636aca9a0a800000000ffff0000000101000000800300010000001600000003000000"
            "000000225333a8a44a04000000ffff000000030000000470696e670000000301000000");
        FrameReader reader;
        reader.feed(bytes.data(), bytes.size());
        std::vector<Frame> frames;
        while (auto f = reader.next())
            frames.push_back(*f);
        QCOMPARE(frames.size(), size_t(5));
        QCOMPARE(int(frames[0].type), int(FrameType::SynStream));
        QCOMPARE(frames[0].streamId, 1u);
        QCOMPARE(frames[0].header("streamtype"), std::string("error"));
        QCOMPARE(frames[0].header("port"), std::string("7000"));
        QCOMPARE(frames[0].header("requestid"), std::string("0"));
        QCOMPARE(int(frames[1].type), int(FrameType::Data));
        QVERIFY(frames[1].fin());
        QCOMPARE(frames[2].streamId, 3u);
        QCOMPARE(frames[2].header("streamtype"), std::string("data"));
        QCOMPARE(frames[2].header("requestid"), std::string("0"));
        QCOMPARE(frames[3].data, std::string("ping"));
        QVERIFY(frames[4].fin());
    }

    void malformedInputIsAProtocolError()
    {
        FrameReader wrongVersion;
        const std::string v2 = fromHex("80020006000000040000000a");
        wrongVersion.feed(v2.data(), v2.size());
        QVERIFY_THROWS_EXCEPTION(ProtocolError, wrongVersion.next());
        FrameReader truncated; // RST_STREAM announcing 2 bytes instead of 8
        const std::string shortRst = fromHex("800300030000000200000001");
        truncated.feed(shortRst.data(), shortRst.size());
        QVERIFY_THROWS_EXCEPTION(ProtocolError, truncated.next());
        FrameReader garbage; // SYN_STREAM whose header block is not zlib
        const std::string junk = fromHex("80030001000000100000000100000000000001020304050607");
        garbage.feed(junk.data(), junk.size());
        QVERIFY_THROWS_EXCEPTION(ProtocolError, garbage.next());
    }
};

QTEST_GUILESS_MAIN(TstSpdyCodec)
#include "tst_spdy_codec.moc"
