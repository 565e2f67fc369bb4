#pragma once

// Hashes of secrets that never appear in plain form anywhere but in memory.
//
// bcryptHash: what the nats-server configuration holds for a NATS password (nats-server
// compares bcrypt hashes itself). Only random secrets of 128+ bits go through it (session
// tokens, service passwords), so the minimum cost is enough: there is nothing to guess.
// Staff passwords, which people choose, are Argon2id hashes inside the identity service.
//
// randomBytes: raw bytes from the kernel's CSPRNG (getrandom); it never fails silently.
// randomSecret: base64url of `bytes` bytes from the kernel's CSPRNG (getrandom).

#include <QByteArray>
#include <optional>

namespace openopd::access {

inline constexpr int kRandomSecretCost = 4;

// "$2b$04$…"; nullopt if libcrypt fails (it never should) or secret is empty / > 72 bytes.
std::optional<QByteArray> bcryptHash(const QByteArray& secret, int cost = kRandomSecretCost);
// True when secret matches a bcrypt hash made above (constant time in libcrypt).
bool bcryptMatches(const QByteArray& secret, const QByteArray& hash);

// count bytes from getrandom (retried on EINTR and short reads); aborts the process with
// qFatal if the kernel cannot give entropy, so it never returns predictable bytes.
QByteArray randomBytes(int count);
// At least 16 bytes; base64url without padding.
QByteArray randomSecret(int bytes = 32);
// 32 lowercase hex digits (128 random bits): session ids.
QString randomSessionId();

} // namespace openopd::access
