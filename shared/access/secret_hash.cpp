#include "access/secret_hash.h"

#include <QString>
#include <cerrno>
#include <crypt.h>
#include <cstring>
#include <memory>
#include <sys/random.h>

namespace openopd::access {

QByteArray randomBytes(int count)
{
    QByteArray bytes(count, Qt::Uninitialized);
    qsizetype filled = 0;
    while (filled < bytes.size()) {
        const ssize_t got =
            getrandom(bytes.data() + filled, static_cast<size_t>(bytes.size() - filled), 0);
        if (got > 0)
            filled += got;
        else if (errno != EINTR)
            qFatal("getrandom failed: %s", std::strerror(errno)); // no entropy: do not go on
    }
    return bytes;
}

std::optional<QByteArray> bcryptHash(const QByteArray& secret, int cost)
{
    if (secret.isEmpty() || secret.size() > 72 || secret.contains('\0'))
        return std::nullopt;
    const QByteArray entropy = randomBytes(16);
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), entropy.constData(),
                          static_cast<int>(entropy.size()), setting, sizeof setting))
        return std::nullopt;
    auto data = std::make_unique<crypt_data>();
    const char* hash = crypt_rn(secret.constData(), setting, data.get(), sizeof(crypt_data));
    if (!hash || hash[0] == '*')
        return std::nullopt;
    return QByteArray(hash);
}

bool bcryptMatches(const QByteArray& secret, const QByteArray& hash)
{
    if (!hash.startsWith("$2"))
        return false;
    auto data = std::make_unique<crypt_data>();
    const char* computed =
        crypt_rn(secret.constData(), hash.constData(), data.get(), sizeof(crypt_data));
    if (!computed || computed[0] == '*')
        return false;
    const QByteArray mine(computed);
    if (mine.size() != hash.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < mine.size(); ++i)
        diff |= static_cast<unsigned char>(mine[i] ^ hash[i]);
    return diff == 0;
}

QByteArray randomSecret(int bytes)
{
    return randomBytes(qMax(bytes, 16))
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString randomSessionId()
{
    return QString::fromLatin1(randomBytes(16).toHex());
}

} // namespace openopd::access
