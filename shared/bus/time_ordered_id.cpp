#include "bus/time_ordered_id.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <cstring>

namespace openopd::bus {

std::array<std::uint8_t, 16> timeOrderedIdBytes()
{
    std::array<std::uint8_t, 16> bytes{};
    quint32 random[3];
    QRandomGenerator::system()->fillRange(random);
    static_assert(sizeof(random) >= 10);
    std::memcpy(bytes.data() + 6, random, 10);
    const auto ms = static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch());
    for (int i = 0; i < 6; ++i)
        bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (8 * (5 - i)));
    bytes[6] = static_cast<std::uint8_t>(0x70 | (bytes[6] & 0x0f)); // version 7
    bytes[8] = static_cast<std::uint8_t>(0x80 | (bytes[8] & 0x3f)); // variant 10
    return bytes;
}

QByteArray timeOrderedUuid()
{
    const auto bytes = timeOrderedIdBytes();
    const QByteArray hex =
        QByteArray(reinterpret_cast<const char*>(bytes.data()), bytes.size()).toHex();
    return hex.left(8) + '-' + hex.mid(8, 4) + '-' + hex.mid(12, 4) + '-' + hex.mid(16, 4) + '-' +
           hex.mid(20);
}

QByteArray toSortableToken(const std::array<std::uint8_t, 16>& bytes)
{
    // Six bits per character from an alphabet in ASCII order (base64url's characters, not
    // its order), so that the text sorts as the bits do: 128 bits, 22 characters.
    static constexpr char kAlphabet[] =
        "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    static_assert(sizeof(kAlphabet) == 65);
    QByteArray token;
    token.reserve(22);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const std::uint8_t byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            token.append(kAlphabet[(buffer >> bits) & 0x3f]);
        }
    }
    token.append(kAlphabet[(buffer << (6 - bits)) & 0x3f]); // the last 2 bits, padded
    return token;
}

QByteArray timeOrderedToken()
{
    return toSortableToken(timeOrderedIdBytes());
}

} // namespace openopd::bus
