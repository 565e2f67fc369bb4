#pragma once

// Staff passwords: Argon2id (libargon2), encoded PHC strings
// "$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>" with a 16-byte salt from getrandom and the
// cost the design fixes (t = 3, m = 64 MiB, p = 1). Passwords never leave memory in plain
// form and are never logged; neither are the hashes.

#include <QByteArray>
#include <QString>
#include <optional>

namespace openopd::identity {

inline constexpr quint32 kArgonTimeCost = 3;
inline constexpr quint32 kArgonMemoryKiB = 64 * 1024;
inline constexpr quint32 kArgonParallelism = 1;
inline constexpr int kArgonSaltBytes = 16;
inline constexpr int kArgonHashBytes = 32;

// The encoded hash of the password's UTF-8 bytes; nullopt if libargon2 fails (out of memory).
std::optional<QByteArray> hashPassword(const QString& password);
// True when password matches an encoded Argon2id hash (libargon2 compares in constant time).
bool verifyPassword(const QString& password, const QByteArray& encoded);

} // namespace openopd::identity
