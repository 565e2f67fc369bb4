// Test support: a throw-away nats-server (with JetStream) per test, and TLS certificates.
//
// Everything here is synchronous and may be used from a test's main thread with or without a
// running event loop. Nothing here is thread-safe: use one NatsServer from one thread.
#pragma once

#include <QByteArray>
#include <QString>
#include <QtGlobal>
#include <memory>

class QProcess;
class QTemporaryDir;

namespace openopd::testing {

// A nats-server child process listening on 127.0.0.1 with JetStream enabled.
//
// The generated config is
//     listen: 127.0.0.1:<port>
//     server_name: test_<port>
//     jetstream { store_dir: "<storeDir()>", max_memory_store: 256MB, max_file_store: 1GB }
//     <extraConfig>
// The executable is $OPENOPD_NATS_SERVER if set, else `nats-server` from PATH, else
// /usr/sbin/nats-server (where Debian puts it) and a few other usual places.
class NatsServer
{
public:
    // extraConfig: a nats-server config snippet appended verbatim to the generated config,
    // e.g. `authorization { token: "abc" }` or a `tls { ... }` block.
    explicit NatsServer(QString extraConfig = {});
    ~NatsServer(); // stop(), then remove the temporary directory (config + store)

    NatsServer(const NatsServer&) = delete;
    NatsServer& operator=(const NatsServer&) = delete;
    NatsServer(NatsServer&&) = delete;
    NatsServer& operator=(NatsServer&&) = delete;

    // The first start creates the temporary directory and picks a free TCP port; later starts
    // reuse both. Waits (at most 15 s) until the log says "Server is ready" and the port
    // accepts TCP connections. Retries a few times if the port is "address already in use"
    // (on the very first start it then picks another port). Returns true at once if already
    // running. On failure returns false; errorString() says why and includes server output.
    bool start();
    // SIGTERM (the server shuts down cleanly, flushing JetStream), wait <= 10 s, then SIGKILL.
    void stop();
    // SIGKILL and wait: a crash, for fault tests.
    void kill();
    // stop() if running, then start() again on the same port with the same store directory.
    bool restart();
    // SIGSTOP / SIGCONT: the server keeps its sockets but stops answering (a hung server).
    // stop() and kill() work on a paused server too.
    bool pause();
    bool resume();

    bool isRunning() const;
    quint16 port() const;        // 0 before the first start
    QString url() const;         // "nats://127.0.0.1:<port>"
    QString tlsUrl() const;      // "tls://127.0.0.1:<port>"
    QString storeDir() const;    // the configured JetStream store_dir (server adds /jetstream)
    QString configPath() const;  // empty before the first start
    QString extraConfig() const; // as given to the constructor or setExtraConfig()
    // Replaces the extra config from the next start on (e.g. an include of generated files).
    void setExtraConfig(QString extraConfig) { m_extraConfig = std::move(extraConfig); }
    // The temporary directory that holds the config (and nats-server's working directory),
    // created on first use; empty if it cannot be created. Files put here before the first
    // start can be included by a relative path.
    QString directory();
    QString errorString() const; // why the last start()/restart() failed
    QString log() const;         // everything the server printed so far (all runs)
    qint64 processId() const;    // 0 when not running

    // The nats-server executable that will be used (empty if none was found).
    static QString executable();

private:
    enum class Attempt { Ready, AddressInUse, Failed };
    bool prepareDirectory();
    bool writeConfig();
    Attempt startOnce();
    void collectOutput() const;
    void finishProcess();

    QString m_extraConfig;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    bool m_portFixed = false; // true once a start succeeded on m_port
    bool m_paused = false;
    QString m_error;
    mutable QByteArray m_log;
};

// Certificates for TLS tests, made with the openssl command line (EC prime256v1, valid 2 days):
// a self-signed CA; a server certificate signed by it with subjectAltName
// IP:127.0.0.1,DNS:localhost (extendedKeyUsage serverAuth); a client certificate signed by it
// with subject "CN=openopd-test-client" (extendedKeyUsage clientAuth). Keys are unencrypted
// PEM (PKCS#8).
struct TestCertificates
{
    QString caCert, serverCert, serverKey, clientCert, clientKey; // absolute paths

    // Writes ca.pem, ca-key.pem, server.pem, server-key.pem, client.pem, client-key.pem (and
    // openssl.cnf, *.csr, ca.srl) into dir, creating it if needed, and fills the paths above.
    // On failure returns false and, if error is not null, sets *error (with openssl's output).
    bool generate(const QString& dir, QString* error);

    // A nats-server `tls { ... }` block using these files. With verifyClients the server
    // requires a client certificate signed by the CA (`verify: true`).
    QString serverTlsConfig(bool verifyClients = false) const;

    static QString clientSubject() { return QStringLiteral("CN=openopd-test-client"); }
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read, close); 0 on error.
quint16 findFreeTcpPort();
// "nats://127.0.0.1:<free port>": a URL where (most likely) nobody listens.
QString findFreeTcpPortUrl();

} // namespace openopd::testing
