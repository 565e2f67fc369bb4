#include "identity/password_hash.h"

#include "access/secret_hash.h"

#include <argon2.h>
#include <cstring>

namespace openopd::identity {

std::optional<QByteArray> hashPassword(const QString& password)
{
    const QByteArray secret = password.toUtf8();
    const QByteArray saltBytes = access::randomBytes(kArgonSaltBytes);
    const size_t length =
        argon2_encodedlen(kArgonTimeCost, kArgonMemoryKiB, kArgonParallelism,
                          static_cast<quint32>(saltBytes.size()), kArgonHashBytes, Argon2_id);
    QByteArray encoded(static_cast<qsizetype>(length), '\0');
    const int result = argon2id_hash_encoded(
        kArgonTimeCost, kArgonMemoryKiB, kArgonParallelism, secret.constData(),
        static_cast<size_t>(secret.size()), saltBytes.constData(),
        static_cast<size_t>(saltBytes.size()), kArgonHashBytes, encoded.data(), length);
    if (result != ARGON2_OK)
        return std::nullopt;
    encoded.truncate(static_cast<qsizetype>(std::strlen(encoded.constData())));
    return encoded;
}

bool verifyPassword(const QString& password, const QByteArray& encoded)
{
    if (!encoded.startsWith("$argon2id$"))
        return false;
    const QByteArray secret = password.toUtf8();
    return argon2id_verify(encoded.constData(), secret.constData(),
                           static_cast<size_t>(secret.size())) == ARGON2_OK;
}

} // namespace openopd::identity
