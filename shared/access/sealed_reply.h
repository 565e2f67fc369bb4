#pragma once

// Secrets sent to one reader over a subject others may read: libsodium sealed boxes
// (crypto_box_seal: an ephemeral X25519 key agreement with the recipient's public key,
// XSalsa20-Poly1305; anyone can seal, only the holder of the secret key opens, and a changed
// byte makes opening fail).
//
// Sign-in uses it (docs/protocol.md, "opd.identity.signin"): the client makes a one-time key
// pair, sends the public key as `reply_key`, and the identity service seals the new
// session's NATS password to it, because every `signin` client can read every reply inbox.

#include <QByteArray>
#include <optional>

namespace openopd::access {

inline constexpr qsizetype kReplyPublicKeyBytes = 32; // crypto_box_PUBLICKEYBYTES
inline constexpr qsizetype kReplySecretKeyBytes = 32; // crypto_box_SECRETKEYBYTES
inline constexpr qsizetype kSealOverheadBytes = 48;   // crypto_box_SEALBYTES

// Initialises libsodium once (thread-safe); false when it cannot (then nothing here works).
bool sodiumReady();

// A one-time X25519 key pair. Move-only; the secret key is wiped (sodium_memzero) when the
// pair is destroyed or moved from (a copy of secretKey taken elsewhere is not).
struct ReplyKeyPair
{
    QByteArray publicKey; // 32 bytes
    QByteArray secretKey; // 32 bytes

    ReplyKeyPair() = default;
    ReplyKeyPair(const ReplyKeyPair&) = delete;
    ReplyKeyPair& operator=(const ReplyKeyPair&) = delete;
    ReplyKeyPair(ReplyKeyPair&& other) noexcept;
    ReplyKeyPair& operator=(ReplyKeyPair&& other) noexcept;
    ~ReplyKeyPair();

    bool isValid() const
    {
        return publicKey.size() == kReplyPublicKeyBytes && secretKey.size() == kReplySecretKeyBytes;
    }
    // A fresh pair (crypto_box_keypair); invalid (empty) only if libsodium cannot start.
    static ReplyKeyPair generate();
};

// crypto_box_seal(secret) to publicKey: secret.size() + 48 bytes. nullopt when the key is not
// 32 bytes or is unusable (a low-order point), or libsodium cannot start.
std::optional<QByteArray> sealTo(const QByteArray& secret, const QByteArray& publicKey);

// crypto_box_seal_open: the secret, or nullopt when sealed was not sealed to keys.publicKey
// or was changed (or is too short, or keys is invalid).
std::optional<QByteArray> openSealed(const QByteArray& sealed, const ReplyKeyPair& keys);

// Overwrites bytes with zeros (sodium_memzero) when no other QByteArray shares them, then
// clears it.
void wipe(QByteArray& bytes);

} // namespace openopd::access
