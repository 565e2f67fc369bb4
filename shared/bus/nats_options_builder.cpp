#include "bus/nats_options_builder.h"

#include "bus/nats_message.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QFileInfo>
#include <vector>

namespace openopd::bus::detail {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("openopd::bus::Connection", text);
}

// Applies the options one by one; the first failing step names what was wrong.
class Builder
{
public:
    explicit Builder(BusError* error) : m_error(error) {}

    bool step(natsStatus status, const QString& what)
    {
        if (status == NATS_OK)
            return true;
        if (m_error->kind == BusError::Kind::None)
            *m_error = BusError::make(BusError::Kind::ConfigurationError,
                                      what + QStringLiteral(": ") + natsErrorText(status));
        return false;
    }
    bool fileExists(const QString& path, const QString& what)
    {
        if (path.isEmpty() || QFileInfo::exists(path))
            return true;
        *m_error = BusError::make(BusError::Kind::ConfigurationError,
                                  tr("%1 file not found: %2").arg(what, path));
        return false;
    }

private:
    BusError* m_error;
};

bool applyServers(natsOptions* opts, const ConnectionOptions& options, Builder& b)
{
    std::vector<QByteArray> urls;
    for (const QString& server : options.servers)
        if (!server.trimmed().isEmpty())
            urls.push_back(server.trimmed().toUtf8());
    if (urls.empty())
        return b.step(NATS_INVALID_ARG, tr("no server URL given"));
    std::vector<const char*> pointers;
    for (const QByteArray& url : urls)
        pointers.push_back(url.constData());
    return b.step(natsOptions_SetServers(opts, pointers.data(), static_cast<int>(pointers.size())),
                  tr("invalid server list"));
}

bool applyCredentials(natsOptions* opts, const ConnectionOptions& o, Builder& b)
{
    if (!o.user.isEmpty() && !b.step(natsOptions_SetUserInfo(opts, o.user.toUtf8().constData(),
                                                             o.password.toUtf8().constData()),
                                     tr("user/password")))
        return false;
    if (!o.token.isEmpty() &&
        !b.step(natsOptions_SetToken(opts, o.token.toUtf8().constData()), tr("token")))
        return false;
    if (!o.nkeySeedFile.isEmpty()) {
        if (!b.fileExists(o.nkeySeedFile, tr("NKey seed")) ||
            !b.step(natsOptions_SetNKeyFromSeed(opts, o.nkeyPublic.toUtf8().constData(),
                                                o.nkeySeedFile.toUtf8().constData()),
                    tr("NKey")))
            return false;
    }
    if (!o.credsFile.isEmpty()) {
        if (!b.fileExists(o.credsFile, tr("credentials")) ||
            !b.step(natsOptions_SetUserCredentialsFromFiles(opts, o.credsFile.toUtf8().constData(),
                                                            nullptr),
                    tr("credentials file")))
            return false;
    }
    return true;
}

bool applyTls(natsOptions* opts, const TlsOptions& tls, Builder& b)
{
    if (!tls.enabled && tls.caFile.isEmpty() && tls.certFile.isEmpty())
        return true;
    if (!b.step(natsOptions_SetSecure(opts, true), tr("TLS")))
        return false;
    if (!tls.caFile.isEmpty() &&
        (!b.fileExists(tls.caFile, tr("CA certificate")) ||
         !b.step(natsOptions_LoadCATrustedCertificates(opts, tls.caFile.toUtf8().constData()),
                 tr("CA certificate"))))
        return false;
    if (!tls.certFile.isEmpty() &&
        (!b.fileExists(tls.certFile, tr("client certificate")) ||
         !b.fileExists(tls.keyFile, tr("client key")) ||
         !b.step(natsOptions_LoadCertificatesChain(opts, tls.certFile.toUtf8().constData(),
                                                   tls.keyFile.toUtf8().constData()),
                 tr("client certificate"))))
        return false;
    if (!tls.expectedHostname.isEmpty() &&
        !b.step(natsOptions_SetExpectedHostname(opts, tls.expectedHostname.toUtf8().constData()),
                tr("TLS host name")))
        return false;
    return true;
}

bool applyInboxPrefix(natsOptions* opts, const ConnectionOptions& o, BusError* error, Builder& b)
{
    if (o.inboxPrefix.isEmpty())
        return true;
    if (!inboxPrefixProblem(o.inboxPrefix).isEmpty()) {
        *error = BusError::make(BusError::Kind::ConfigurationError,
                                invalidInboxPrefixText(o.inboxPrefix));
        return false;
    }
    // nats.c's own inboxes (none today: the bridge makes its own) follow the same prefix.
    return b.step(natsOptions_SetCustomInboxPrefix(opts, o.inboxPrefix.constData()),
                  tr("inboxPrefix"));
}

bool applyBehaviour(natsOptions* opts, const ConnectionOptions& o, const NatsCallbacks& cb,
                    Builder& b)
{
    if (!o.name.isEmpty() &&
        !b.step(natsOptions_SetName(opts, o.name.toUtf8().constData()), tr("connection name")))
        return false;
    return b.step(natsOptions_SetTimeout(opts, o.connectTimeout.count()), tr("timeout")) &&
           b.step(natsOptions_SetMaxReconnect(opts, o.maxReconnect), tr("max reconnect")) &&
           b.step(natsOptions_SetReconnectWait(opts, o.reconnectWait.count()),
                  tr("reconnect wait")) &&
           // nats.c cannot turn its buffer off (0 means its 8 MB default): with ours off,
           // Connection::publish refuses while not connected and this 1 byte is never used.
           b.step(natsOptions_SetReconnectBufSize(opts, qMax(1, o.reconnectBufferBytes)),
                  tr("reconnect buffer")) &&
           b.step(natsOptions_SetPingInterval(opts, o.pingInterval.count()), tr("ping interval")) &&
           b.step(natsOptions_SetMaxPingsOut(opts, qMax(1, o.maxPingsOutstanding)),
                  tr("max pings outstanding")) &&
           b.step(natsOptions_SetSendAsap(opts, o.sendAsap), tr("send asap")) &&
           // One shared delivery pool instead of a thread per subscription.
           b.step(natsOptions_UseGlobalMessageDelivery(opts, true), tr("delivery pool")) &&
           b.step(natsOptions_SetRetryOnFailedConnect(opts, o.retryOnFailedConnect, cb.connected,
                                                      cb.closure),
                  tr("retry on failed connect")) &&
           b.step(natsOptions_SetDisconnectedCB(opts, cb.disconnected, cb.closure),
                  tr("callbacks")) &&
           b.step(natsOptions_SetReconnectedCB(opts, cb.reconnected, cb.closure),
                  tr("callbacks")) &&
           b.step(natsOptions_SetClosedCB(opts, cb.closed, cb.closure), tr("callbacks")) &&
           b.step(natsOptions_SetErrorHandler(opts, cb.error, cb.closure), tr("callbacks"));
}

} // namespace

QString inboxPrefixProblem(const QByteArray& prefix)
{
    if (prefix.isEmpty())
        return {};
    for (const char c : prefix) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7f)
            return tr("it contains white space or a control character");
        if (c == '*' || c == '>')
            return tr("it contains a wildcard ('*' or '>')");
    }
    if (prefix.startsWith('.') || prefix.endsWith('.'))
        return tr("it starts or ends with a dot");
    if (prefix.contains(".."))
        return tr("it has an empty token ('..')");
    return {};
}

QByteArray effectiveInboxPrefix(const QByteArray& prefix)
{
    if (prefix.isEmpty())
        return QByteArrayLiteral("_INBOX");
    return inboxPrefixProblem(prefix).isEmpty() ? prefix : QByteArray();
}

QString invalidInboxPrefixText(const QByteArray& prefix)
{
    return tr("invalid inboxPrefix \"%1\": %2 (expected a subject such as _INBOX.<session>)")
        .arg(QString::fromUtf8(prefix), inboxPrefixProblem(prefix));
}

natsOptions* buildNatsOptions(const ConnectionOptions& options, const NatsCallbacks& callbacks,
                              BusError* error)
{
    Builder builder(error);
    natsOptions* opts = nullptr;
    if (!builder.step(natsOptions_Create(&opts), tr("cannot create options")))
        return nullptr;
    if (applyServers(opts, options, builder) && applyCredentials(opts, options, builder) &&
        applyTls(opts, options.tls, builder) && applyInboxPrefix(opts, options, error, builder) &&
        applyBehaviour(opts, options, callbacks, builder))
        return opts;
    natsOptions_Destroy(opts);
    return nullptr;
}

} // namespace openopd::bus::detail
