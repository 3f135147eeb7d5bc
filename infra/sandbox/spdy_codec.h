#pragma once

// SPDY/3.1 framing as kubectl port-forward speaks it (moby/spdystream, the Go spdy framer): frames
// in and out of a byte stream, header blocks compressed with zlib and the SPDY/3 dictionary (one
// compression context per direction for the whole connection).

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bc::sandbox::spdy {

enum class FrameType : std::uint16_t {
    Data = 0, // not a control frame type; stands for DATA frames here
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
};

constexpr std::uint8_t kFlagFin = 0x01;
constexpr std::uint8_t kFlagUnidirectional = 0x02;

// RST_STREAM status codes used here.
constexpr std::uint32_t kProtocolError = 1;
constexpr std::uint32_t kInvalidStream = 2;
constexpr std::uint32_t kRefusedStream = 3;
constexpr std::uint32_t kCancel = 5;

using HeaderList = std::vector<std::pair<std::string, std::string>>; // names lower case

struct SettingEntry {
    std::uint8_t flags = 0;
    std::uint32_t id = 0; // 24 bits
    std::uint32_t value = 0;
};

// One frame; which fields matter depends on `type`.
struct Frame {
    FrameType type = FrameType::Data;
    std::uint8_t flags = 0;
    std::uint32_t streamId = 0;     // DATA, SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE; GOAWAY last good
    std::uint32_t associatedId = 0; // SYN_STREAM
    std::uint8_t priority = 0;      // SYN_STREAM, 0..7
    std::uint8_t slot = 0;          // SYN_STREAM
    std::uint32_t status = 0;       // RST_STREAM, GOAWAY
    std::uint32_t pingId = 0;       // PING
    std::uint32_t delta = 0;        // WINDOW_UPDATE
    std::vector<SettingEntry> settings;
    HeaderList headers; // SYN_STREAM, SYN_REPLY, HEADERS
    std::string data;   // DATA

    bool fin() const { return (flags & kFlagFin) != 0; }
    std::string header(const std::string &name) const; // first value, "" when absent
};

struct ProtocolError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The header block compression context of one direction.
class HeaderCompressor {
public:
    HeaderCompressor();
    ~HeaderCompressor();
    HeaderCompressor(const HeaderCompressor &) = delete;
    HeaderCompressor &operator=(const HeaderCompressor &) = delete;
    std::string compress(const HeaderList &headers);

private:
    struct State;
    std::unique_ptr<State> d;
};

class HeaderDecompressor {
public:
    HeaderDecompressor();
    ~HeaderDecompressor();
    HeaderDecompressor(const HeaderDecompressor &) = delete;
    HeaderDecompressor &operator=(const HeaderDecompressor &) = delete;
    HeaderList decompress(const std::string &block); // throws ProtocolError

private:
    struct State;
    std::unique_ptr<State> d;
};

// Encodes frames (compressing header blocks with its own context).
class FrameWriter {
public:
    std::string encode(const Frame &frame);

private:
    HeaderCompressor m_compressor;
};

// Decodes frames from bytes as they arrive: feed() then next() until it returns nothing.
class FrameReader {
public:
    void feed(const char *data, std::size_t size) { m_buffer.append(data, size); }
    std::optional<Frame> next(); // throws ProtocolError on a malformed frame or header block

private:
    std::string m_buffer;
    std::size_t m_offset = 0;
    HeaderDecompressor m_decompressor;
};

// The uncompressed header block encoding (for tests and the codec itself).
std::string encodeHeaderBlock(const HeaderList &headers);
HeaderList decodeHeaderBlock(const std::string &block);

} // namespace bc::sandbox::spdy
