#pragma once

// Calls a unary method with raw request bytes (to send what a typed stub refuses to build).

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <string>
#include <vector>

namespace bc::test {

inline grpc::Status rawUnaryCall(const std::shared_ptr<grpc::Channel> &channel, const std::string &method,
    const std::string &requestBytes, std::string *responseBytes = nullptr)
{
    grpc::GenericStub stub(channel);
    grpc::Slice slice(requestBytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    std::promise<grpc::Status> done;
    stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
        [&done](grpc::Status s) { done.set_value(std::move(s)); });
    grpc::Status status = done.get_future().get(); // the deadline above bounds this wait
    if (responseBytes) {
        responseBytes->clear();
        std::vector<grpc::Slice> slices;
        if (status.ok() && response.Dump(&slices).ok()) {
            for (const auto &s : slices)
                responseBytes->append(reinterpret_cast<const char *>(s.begin()), s.size());
        }
    }
    return status;
}

} // namespace bc::test
