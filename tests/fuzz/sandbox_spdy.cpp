// SPDY/3.1 frames as kubectl port-forward and exec send them, cut at any point. A frame that decodes
// encodes again to a frame that decodes the same.
#include "infra/sandbox/spdy_codec.h"

#include "tests/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace bc::sandbox::spdy;
    const std::string_view in = bc::fuzz::bytes(data, size);
    bc::fuzz::Dice dice(in);
    try {
        (void)decodeHeaderBlock(std::string(in.substr(0, 256)));
    } catch (const ProtocolError &) {
    }
    FrameReader reader;
    FrameWriter writer;
    FrameReader again;
    try {
        for (size_t pos = 0; pos < in.size();) {
            const size_t n = std::min<size_t>(1 + dice.next(512), in.size() - pos);
            reader.feed(in.data() + pos, n);
            pos += n;
            while (auto frame = reader.next()) {
                const std::string bytes = writer.encode(*frame);
                again.feed(bytes.data(), bytes.size());
                const auto back = again.next();
                if (!back || back->type != frame->type || back->streamId != frame->streamId
                    || back->headers != frame->headers || back->data != frame->data) {
                    std::fprintf(stderr, "a decoded SPDY frame does not survive encode and decode\n");
                    std::abort();
                }
            }
        }
    } catch (const ProtocolError &) {
    }
    return 0;
}
