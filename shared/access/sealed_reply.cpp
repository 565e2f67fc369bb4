#include "access/sealed_reply.h"

#include <sodium.h>
#include <utility>

namespace openopd::access {

static_assert(kReplyPublicKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(kReplySecretKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(kSealOverheadBytes == crypto_box_SEALBYTES);

namespace {

auto* bytes(QByteArray& array)
{
    return reinterpret_cast<unsigned char*>(array.data());
}

const auto* bytes(const QByteArray& array)
{
    return reinterpret_cast<const unsigned char*>(array.constData());
}

unsigned long long length(const QByteArray& array)
{
    return static_cast<unsigned long long>(array.size());
}

} // namespace

bool sodiumReady()
{
    // A function-local static: initialised exactly once even with concurrent callers.
    static const bool ready = sodium_init() >= 0;
    return ready;
}

void wipe(QByteArray& bytes)
{
    if (!bytes.isEmpty() && bytes.isDetached())
        sodium_memzero(bytes.data(), static_cast<std::size_t>(bytes.size()));
    bytes.clear();
}

ReplyKeyPair::ReplyKeyPair(ReplyKeyPair&& other) noexcept
    : publicKey(std::exchange(other.publicKey, {})), secretKey(std::exchange(other.secretKey, {}))
{}

ReplyKeyPair& ReplyKeyPair::operator=(ReplyKeyPair&& other) noexcept
{
    if (this != &other) {
        wipe(secretKey);
        publicKey = std::exchange(other.publicKey, {});
        secretKey = std::exchange(other.secretKey, {});
    }
    return *this;
}

ReplyKeyPair::~ReplyKeyPair()
{
    wipe(secretKey);
}

ReplyKeyPair ReplyKeyPair::generate()
{
    ReplyKeyPair pair;
    if (!sodiumReady())
        return pair;
    pair.publicKey = QByteArray(kReplyPublicKeyBytes, Qt::Uninitialized);
    pair.secretKey = QByteArray(kReplySecretKeyBytes, Qt::Uninitialized);
    if (crypto_box_keypair(bytes(pair.publicKey), bytes(pair.secretKey)) != 0) {
        wipe(pair.secretKey);
        pair.publicKey.clear();
    }
    return pair;
}

std::optional<QByteArray> sealTo(const QByteArray& secret, const QByteArray& publicKey)
{
    if (publicKey.size() != kReplyPublicKeyBytes || !sodiumReady())
        return std::nullopt;
    QByteArray sealed(secret.size() + kSealOverheadBytes, Qt::Uninitialized);
    if (crypto_box_seal(bytes(sealed), bytes(secret), length(secret), bytes(publicKey)) != 0)
        return std::nullopt;
    return sealed;
}

std::optional<QByteArray> openSealed(const QByteArray& sealed, const ReplyKeyPair& keys)
{
    if (!keys.isValid() || sealed.size() < kSealOverheadBytes || !sodiumReady())
        return std::nullopt;
    QByteArray secret(sealed.size() - kSealOverheadBytes, Qt::Uninitialized);
    if (crypto_box_seal_open(bytes(secret), bytes(sealed), length(sealed), bytes(keys.publicKey),
                             bytes(keys.secretKey)) != 0) {
        wipe(secret);
        return std::nullopt;
    }
    return secret;
}

} // namespace openopd::access
