#pragma once

// orderlog.Logger on the grpc++ callback API. Both methods take raw bytes so that a malformed
// message is answered INVALID_ARGUMENT (the generated parser would say INTERNAL). A handler only
// parses and validates; the database work runs on OrderWriter's threads, which finish the reactor.

#include "orderlog/proto/orderlog.grpc.pb.h"

#include <functional>
#include <string>

namespace bc::orderlog {

class OrderWriter;

class LoggerService final : public ::orderlog::Logger::WithRawCallbackMethod_Log<
                                ::orderlog::Logger::WithRawCallbackMethod_List<::orderlog::Logger::Service>>
{
public:
    explicit LoggerService(OrderWriter &writer);

    ::grpc::ServerUnaryReactor *Log(::grpc::CallbackServerContext *context, const ::grpc::ByteBuffer *request,
        ::grpc::ByteBuffer *response) override;
    ::grpc::ServerUnaryReactor *List(::grpc::CallbackServerContext *context,
        const ::grpc::ByteBuffer *request, ::grpc::ByteBuffer *response) override;

private:
    OrderWriter &m_writer;
};

} // namespace bc::orderlog
