#include "orderlog/logger_service.h"

#include "orderlog/grpc_util.h"
#include "orderlog/order_writer.h"
#include "orderlog/proto_convert.h"

#include <google/protobuf/arena.h>

#include <algorithm>
#include <cstddef>

namespace bc::orderlog {

namespace {

constexpr int kDefaultPageSize = 100;
constexpr std::size_t kMaxListRequestBytes = 4096;

std::int64_t toMicros(const google::protobuf::Timestamp &ts)
{
    return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

bool validTimestamp(const google::protobuf::Timestamp &ts)
{
    return ts.seconds() >= -62135596800 && ts.seconds() <= 253402300799 && ts.nanos() >= 0
        && ts.nanos() <= 999999999;
}

} // namespace

LoggerService::LoggerService(OrderWriter &writer)
    : m_writer(writer)
{ }

::grpc::ServerUnaryReactor *LoggerService::Log(
    ::grpc::CallbackServerContext *context, const ::grpc::ByteBuffer *request, ::grpc::ByteBuffer *response)
{
    ::grpc::ServerUnaryReactor *reactor = context->DefaultReactor();
    if (request->Length() > kMaxEntryBytes) {
        reactor->Finish({::grpc::StatusCode::INVALID_ARGUMENT,
            "entry is " + std::to_string(request->Length()) + " bytes; the limit is "
                + std::to_string(kMaxEntryBytes)});
        return reactor;
    }
    // The parsed message lives only until its fields are copied into the record: parse it into
    // an arena on the stack instead of a dozen heap allocations (message, order, strings, items).
    alignas(std::max_align_t) char initialBlock[2048];
    google::protobuf::ArenaOptions arenaOptions;
    arenaOptions.initial_block = initialBlock;
    arenaOptions.initial_block_size = sizeof initialBlock;
    google::protobuf::Arena arena(arenaOptions);
    auto &entry = *google::protobuf::Arena::CreateMessage<::orderlog::Entry>(&arena);
    if (!parseBuffer(*request, &entry)) {
        reactor->Finish(
            {::grpc::StatusCode::INVALID_ARGUMENT, "request is not a valid orderlog.Entry message"});
        return reactor;
    }
    std::string metadataKey;
    const auto &md = context->client_metadata();
    if (const auto it = md.find("idempotency-key"); it != md.end())
        metadataKey.assign(it->second.data(), it->second.size());
    Converted converted = entryToRecord(entry, metadataKey);
    if (auto *why = std::get_if<std::string>(&converted)) {
        reactor->Finish({::grpc::StatusCode::INVALID_ARGUMENT, *why});
        return reactor;
    }
    OrderRecord record = std::move(std::get<OrderRecord>(converted));
    std::string orderId = record.orderId;
    m_writer.submit(std::move(record),
        [reactor, response, orderId = std::move(orderId)](const StoreResult<WriteOutcome> &result) {
            if (!result) {
                reactor->Finish(toGrpcStatus(result.error()));
                return;
            }
            ::orderlog::Reply reply;
            reply.set_ok(true);
            reply.set_order_id(orderId);
            reply.set_duplicate(result.value() == WriteOutcome::Duplicate);
            serializeToBuffer(reply, response);
            reactor->Finish(::grpc::Status::OK); // after COMMIT, on the writer thread
        });
    return reactor;
}

::grpc::ServerUnaryReactor *LoggerService::List(
    ::grpc::CallbackServerContext *context, const ::grpc::ByteBuffer *request, ::grpc::ByteBuffer *response)
{
    ::grpc::ServerUnaryReactor *reactor = context->DefaultReactor();
    ::orderlog::ListRequest req;
    if (request->Length() > kMaxListRequestBytes || !parseBuffer(*request, &req)) {
        reactor->Finish(
            {::grpc::StatusCode::INVALID_ARGUMENT, "request is not a valid orderlog.ListRequest message"});
        return reactor;
    }
    ListQuery query;
    if (req.page_size() < 0) {
        reactor->Finish({::grpc::StatusCode::INVALID_ARGUMENT, "page_size must not be negative"});
        return reactor;
    }
    query.limit
        = req.page_size() == 0 ? kDefaultPageSize : std::min(req.page_size(), OrderStore::kMaxPageSize);
    if (req.has_since()) {
        if (!validTimestamp(req.since())) {
            reactor->Finish({::grpc::StatusCode::INVALID_ARGUMENT, "since is out of range"});
            return reactor;
        }
        query.sinceMicros = toMicros(req.since());
    }
    if (req.has_until()) {
        if (!validTimestamp(req.until())) {
            reactor->Finish({::grpc::StatusCode::INVALID_ARGUMENT, "until is out of range"});
            return reactor;
        }
        query.untilMicros = toMicros(req.until());
    }
    if (!req.page_token().empty()) {
        query.after = decodePageKey(req.page_token());
        if (!query.after) {
            reactor->Finish(
                {::grpc::StatusCode::INVALID_ARGUMENT, "page_token is not one this server issued"});
            return reactor;
        }
    }
    m_writer.submitJob(
        [reactor, response, query](OrderStore &store) {
            const auto page = store.list(query);
            if (!page) {
                reactor->Finish(toGrpcStatus(page.error()));
                return;
            }
            ::orderlog::ListReply reply;
            for (const auto &row : page.value().rows)
                recordToProto(row, reply.add_entries());
            if (page.value().next)
                reply.set_next_page_token(encodePageKey(*page.value().next));
            serializeToBuffer(reply, response);
            reactor->Finish(::grpc::Status::OK);
        },
        [reactor](const StoreError &error) { reactor->Finish(toGrpcStatus(error)); });
    return reactor;
}

} // namespace bc::orderlog
