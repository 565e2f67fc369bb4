#pragma once

// Time-ordered random ids (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, then 74
// random bits. Ids made close together in time sort close together, so a B-tree index on
// them (patients.id, outbox.event_id, request_log's key, ...) takes each new id on its
// rightmost pages: one group commit writes a few hot pages instead of one random leaf page
// per id, which was most of a service's page writes under load (bench/README.md, issue 13).
// The creation time is readable from the id, to the millisecond; every record that has one
// of these ids carries its creation time anyway.

#include <QByteArray>
#include <array>
#include <cstdint>

namespace openopd::bus {

// 16 bytes: the UUIDv7 layout (version 7, variant 10).
std::array<std::uint8_t, 16> timeOrderedIdBytes();
// The same as a canonical UUID text, 8-4-4-4-12 lower-case hex digits.
QByteArray timeOrderedUuid();
// The same 128 bits as 22 characters from [A-Za-z0-9_-] that sort as the bits do: a request
// id (request_id.h).
QByteArray timeOrderedToken();
// 16 bytes as those 22 characters; a < b exactly when toSortableToken(a) < toSortableToken(b).
QByteArray toSortableToken(const std::array<std::uint8_t, 16>& bytes);

} // namespace openopd::bus
