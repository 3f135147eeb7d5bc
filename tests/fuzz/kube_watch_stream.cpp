// The kubectl watch-stream splitter: however the bytes are chunked, the same documents come out.
// Input: what `kubectl get -w -o json` prints; chunk sizes are drawn from the input itself.
#include "backend/kube/json_stream_splitter.h"

#include "tests/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view text = bc::fuzz::bytes(data, size);
    const QByteArray all(text.data(), qsizetype(text.size()));
    bc::fuzz::Dice dice(text);

    bc::JsonStreamSplitter whole;
    const QList<QByteArray> expected = whole.feed(all);

    bc::JsonStreamSplitter chunked;
    QList<QByteArray> got;
    for (qsizetype pos = 0; pos < all.size();) {
        const qsizetype n = qMin<qsizetype>(1 + dice.next(300), all.size() - pos);
        got += chunked.feed(all.mid(pos, n));
        pos += n;
    }
    // (What is still pending may differ by the blanks between documents, which a chunk end can drop.)
    if (got != expected) {
        std::fprintf(stderr, "chunking changed the documents: %lld vs %lld\n", static_cast<long long>(got.size()),
                     static_cast<long long>(expected.size()));
        for (qsizetype i = 0; i < qMin(got.size(), expected.size()); ++i)
            if (got[i] != expected[i])
                std::fprintf(stderr, "document %lld differs: %lld bytes chunked, %lld whole; chunked starts '%.40s'\n",
                             static_cast<long long>(i), static_cast<long long>(got[i].size()),
                             static_cast<long long>(expected[i].size()), got[i].constData());
        std::abort();
    }
    return 0;
}
