#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <chrono>

namespace openopd::bus {

struct TlsOptions
{
    bool enabled = false;     // also implied by a tls:// URL
    QString caFile;           // trust these CAs instead of the system store
    QString certFile;         // client certificate (mutual TLS)
    QString keyFile;          // client private key
    QString expectedHostname; // when the certificate names a host other than the URL's
};

struct ConnectionOptions
{
    QStringList servers{QStringLiteral("nats://127.0.0.1:4222")};
    QString name; // shown by the server's monitoring (connz)
    QString user;
    QString password;
    QString token;
    QString nkeyPublic;   // NKey user: public key ...
    QString nkeySeedFile; // ... and the file holding its seed
    QString credsFile;    // JWT + seed (.creds)
    TlsOptions tls;

    std::chrono::milliseconds connectTimeout{2000};
    std::chrono::milliseconds reconnectWait{500};
    int maxReconnect = -1; // -1: keep trying forever (a clinic's server comes back)
    // 0 (the default): nothing is buffered while the link is down. Every publish, request,
    // reply and ack made then fails at once with NotConnected and is never sent later, so a
    // user who was told "failed" can be sure it did not happen (the outbox relay and pull
    // consumers retry on their own). A positive value lets nats.c keep that many bytes of
    // publishes (requests included) and send them after the reconnect, possibly long after
    // the caller gave up on them. (A publish that races with the loss of the link may still
    // be written into it, as with any network write.)
    int reconnectBufferBytes = 0;
    // A link that dies silently (Wi-Fi gone, switch unplugged: no FIN, no RST) is noticed
    // when maxPingsOutstanding PINGs in a row got no PONG: the state goes Reconnecting at most
    // pingInterval * (maxPingsOutstanding + 1) after the last sign of life, 15 s by default.
    // Under the 20 s a user waits before thinking the app hung, yet two missed PONGs are not
    // a busy server's hiccup; one PING per 5 s per client costs the server nothing.
    std::chrono::milliseconds pingInterval{5000};
    int maxPingsOutstanding = 2;
    // Write each publish to the socket at once instead of waiting for nats.c's flusher
    // thread: it saves about a millisecond per hop on loopback (see bench/).
    bool sendAsap = true;
    // Keep retrying when the first connect fails (the server may still be starting).
    bool retryOnFailedConnect = true;
    // Every inbox the bridge makes (request replies, JetStream API replies, pull consumer
    // deliveries, newInbox(), nats.c's own) is "<inboxPrefix>.<unique>...". Empty means
    // "_INBOX". A user that may subscribe only to "_INBOX.<session>.>" needs
    // "_INBOX.<session>" here. Must be a plain subject: tokens separated by single dots, no
    // white space, no wildcard ('*', '>'); open() refuses anything else.
    QByteArray inboxPrefix;
};

} // namespace openopd::bus
