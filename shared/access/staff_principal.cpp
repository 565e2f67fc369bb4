#include "access/staff_principal.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace openopd::access {
namespace {

constexpr QChar kSeparator = u'|';

bool isSessionId(QStringView id)
{
    if (id.size() != 32)
        return false;
    for (QChar c : id)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f')))
            return false;
    return true;
}

} // namespace

QList<protocol::StaffRole> accountRoles()
{
    using R = protocol::StaffRole;
    return {R::Reception, R::Doctor, R::Pharmacist, R::LabTechnician, R::Admin};
}

bool isAccountRole(protocol::StaffRole role)
{
    return accountRoles().contains(role);
}

bool isValidStaffId(QStringView id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (qsizetype i = 0; i < id.size(); ++i) {
        const QChar c = id[i];
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
        if (!alnum && (i == 0 || (c != u'.' && c != u'_' && c != u'-')))
            return false;
    }
    return true;
}

QString StaffPrincipal::natsUserName() const
{
    QStringList roleNames;
    for (protocol::StaffRole role : roles)
        roleNames.append(protocol::toWire(role));
    const QByteArray name = displayName.toUtf8().toBase64(QByteArray::Base64UrlEncoding |
                                                          QByteArray::OmitTrailingEquals);
    return staffId + kSeparator + roleNames.join(u',') + kSeparator + sessionId + kSeparator +
           QString::fromLatin1(name);
}

std::optional<StaffPrincipal> StaffPrincipal::fromNatsUserName(QStringView user)
{
    const QList<QStringView> parts = user.split(kSeparator);
    if (parts.size() != 4 || !isValidStaffId(parts[0]) || !isSessionId(parts[2]))
        return std::nullopt;
    StaffPrincipal principal;
    principal.staffId = parts[0].toString();
    principal.sessionId = parts[2].toString();
    for (QStringView roleName : parts[1].split(u',')) {
        const std::optional<protocol::StaffRole> role =
            protocol::enumFromWire<protocol::StaffRole>(roleName);
        if (!role || !isAccountRole(*role) || principal.roles.contains(*role))
            return std::nullopt;
        principal.roles.append(*role);
    }
    const auto decoded = QByteArray::fromBase64Encoding(
        parts[3].toLatin1(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    principal.displayName = QString::fromUtf8(*decoded);
    if (principal.displayName.isEmpty() || principal.displayName.size() > 200)
        return std::nullopt;
    return principal;
}

protocol::StaffRef StaffPrincipal::actingAs(const QList<protocol::StaffRole>& allowed) const
{
    protocol::StaffRole acting = roles.value(0, protocol::StaffRole::Reception);
    for (protocol::StaffRole role : roles) {
        if (allowed.contains(role)) {
            acting = role;
            break;
        }
    }
    return {staffId, displayName, acting};
}

std::optional<RequestInfo> parseRequestInfo(QByteArrayView headerValue)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(headerValue.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    const QJsonObject object = document.object();
    if (!object.value(QLatin1StringView("acc")).isString())
        return std::nullopt;
    return RequestInfo{object.value(QLatin1StringView("acc")).toString(),
                       object.value(QLatin1StringView("user")).toString()};
}

QString serviceUserName(QStringView service)
{
    return QStringLiteral("svc.") + service;
}

} // namespace openopd::access
