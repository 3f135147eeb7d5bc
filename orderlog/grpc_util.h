#pragma once

// Small helpers shared by the services: bytes <-> messages and store errors -> gRPC status.

#include "orderlog/store_result.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/proto_buffer_reader.h>
#include <grpcpp/support/proto_buffer_writer.h>

namespace bc::orderlog {

template <typename Message> bool parseBuffer(const ::grpc::ByteBuffer &buffer, Message *message)
{
    ::grpc::ByteBuffer copy(buffer); // shares the slices; Deserialize consumes its argument
    return ::grpc::SerializationTraits<Message>::Deserialize(&copy, message).ok();
}

template <typename Message> void serializeToBuffer(const Message &message, ::grpc::ByteBuffer *buffer)
{
    bool own = false;
    (void)::grpc::SerializationTraits<Message>::Serialize(message, buffer, &own);
}

inline ::grpc::Status toGrpcStatus(const StoreError &error)
{
    switch (error.kind) {
    case StoreError::Kind::Invalid:
        return {::grpc::StatusCode::INVALID_ARGUMENT, error.message};
    case StoreError::Kind::Unavailable:
        return {::grpc::StatusCode::UNAVAILABLE, error.message};
    case StoreError::Kind::Failed:
        break;
    }
    return {::grpc::StatusCode::INTERNAL, error.message};
}

} // namespace bc::orderlog
