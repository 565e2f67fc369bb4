#include "support/postgres_server.h"

#include "support/nats_server.h" // findFreeTcpPort()

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QVersionNumber>
#include <csignal>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace openopd::testing {

namespace {

constexpr int kInitTimeoutMs = 120'000;
constexpr int kStartTimeoutSec = 60;
constexpr int kStopTimeoutSec = 30;
constexpr int kClientTimeoutMs = 30'000;
constexpr int kStartAttempts = 5;

const QString kServerUser = u"postgres"_s;

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

// Hand a path to the `postgres` user (only needed, and only allowed, when we are root).
bool chownToServerUser(const QString& path, QString* error)
{
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) {
        *error = u"running as root, but there is no 'postgres' user to run PostgreSQL as"_s;
        return false;
    }
    if (::chown(QFile::encodeName(path).constData(), pw->pw_uid, pw->pw_gid) != 0) {
        *error = u"cannot chown "_s + path + u" to postgres"_s;
        return false;
    }
    return true;
}

QString readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

PostgresServer::PostgresServer() = default;

PostgresServer::~PostgresServer()
{
    stop();
}

QString PostgresServer::binDir()
{
    const QString fromEnv = qEnvironmentVariable("OPENOPD_PG_BINDIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    QVersionNumber best;
    QString bestDir;
    const QDir root(u"/usr/lib/postgresql"_s);
    const QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& version : versions) {
        const QVersionNumber number = QVersionNumber::fromString(version);
        const QString dir = root.filePath(version + u"/bin"_s);
        if (!number.isNull() && number > best && QFileInfo(dir + u"/pg_ctl"_s).isExecutable()) {
            best = number;
            bestDir = dir;
        }
    }
    if (!bestDir.isEmpty())
        return bestDir;
    const QString pgCtl = QStandardPaths::findExecutable(u"pg_ctl"_s);
    return pgCtl.isEmpty() ? QString() : QFileInfo(pgCtl).absolutePath();
}

bool PostgresServer::run(const QString& tool, const QStringList& args, bool asServerUser,
                         int timeoutMs, QString* output)
{
    const QString program = binDir() + u'/' + tool;
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_dir->path()); // readable by the server user (not /root)
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& key : env.keys()) {
        if (key.startsWith(u"PG"_s))
            env.remove(key); // PGHOST, PGPORT, PGDATA, ... must not redirect the commands
    }
    env.insert(u"LC_ALL"_s, u"C"_s);
    process.setProcessEnvironment(env);
    if (asServerUser && runningAsRoot())
        process.start(u"runuser"_s, QStringList{u"-u"_s, kServerUser, u"--"_s, program} + args);
    else
        process.start(program, args);
    const bool finished = process.waitForStarted(timeoutMs) && process.waitForFinished(timeoutMs);
    if (!finished)
        process.kill();
    process.waitForFinished(1000);
    *output = QString::fromUtf8(process.readAll());
    const bool ok =
        finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    if (!ok) {
        m_error = tool + u" "_s + args.join(u' ') + u" failed ("_s +
                  (finished ? u"exit code "_s + QString::number(process.exitCode())
                            : u"did not finish: "_s + process.errorString()) +
                  u"); output:\n"_s + *output;
    }
    return ok;
}

bool PostgresServer::prepareDirectory()
{
    if (m_dir)
        return true;
    auto dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + u"/openopd-pg-XXXXXX"_s);
    if (!dir->isValid()) {
        m_error = u"cannot create a temporary directory: "_s + dir->errorString();
        return false;
    }
    if (!QDir(dir->path()).mkpath(u"sock"_s)) {
        m_error = u"cannot create the socket directory in "_s + dir->path();
        return false;
    }
    if (runningAsRoot() && (!chownToServerUser(dir->path(), &m_error) ||
                            !chownToServerUser(dir->filePath(u"sock"_s), &m_error)))
        return false;
    m_dir = std::move(dir);
    return true;
}

bool PostgresServer::initCluster()
{
    if (m_initialized)
        return true;
    QString output;
    if (!run(u"initdb"_s,
             {u"-D"_s, dataDir(), u"-U"_s, kServerUser, u"-A"_s, u"trust"_s, u"-E"_s, u"UTF8"_s,
              u"--no-locale"_s, u"--no-sync"_s},
             true, kInitTimeoutMs, &output))
        return false;
    // Appended as root is fine: the server only reads it. Last setting wins in the file.
    QFile conf(dataDir() + u"/postgresql.conf"_s);
    const QString extra = u"\n# openopd::testing::PostgresServer\n"_s +
                          u"listen_addresses = '127.0.0.1'\n"_s + u"unix_socket_directories = '"_s +
                          m_dir->filePath(u"sock"_s) +
                          u"'\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"_s;
    if (!conf.open(QIODevice::Append) || conf.write(extra.toUtf8()) < 0) {
        m_error = u"cannot append to "_s + conf.fileName();
        return false;
    }
    m_initialized = true;
    return true;
}

bool PostgresServer::startOnce(bool* addressInUse)
{
    *addressInUse = false;
    const QString logPath = m_dir->filePath(u"server.log"_s);
    const qsizetype logStart = log().size();
    QString output;
    const bool started =
        run(u"pg_ctl"_s,
            {u"start"_s, u"-D"_s, dataDir(), u"-l"_s, logPath, u"-w"_s, u"-t"_s,
             QString::number(kStartTimeoutSec), u"-o"_s, u"-p "_s + QString::number(m_port)},
            true, (kStartTimeoutSec + 10) * 1000, &output);
    if (!started) {
        const QString serverLog = log().mid(logStart);
        *addressInUse = serverLog.contains(u"Address already in use"_s);
        m_error += u"\nserver log:\n"_s + serverLog;
        return false;
    }
    // pg_ctl -w already waited for the socket; make sure TCP answers too.
    QDeadlineTimer deadline(kStartTimeoutSec * 1000);
    while (!run(u"pg_isready"_s,
                {u"-h"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(m_port), u"-U"_s, kServerUser},
                false, kClientTimeoutMs, &output)) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(100);
    }
    m_error.clear();
    return true;
}

bool PostgresServer::start()
{
    if (m_running)
        return true;
    m_error.clear();
    if (binDir().isEmpty()) {
        m_error = u"PostgreSQL not found (/usr/lib/postgresql/*/bin, PATH; or set "
                  "OPENOPD_PG_BINDIR). Debian: apt-get install postgresql"_s;
        return false;
    }
    if (!prepareDirectory() || !initCluster())
        return false;
    const bool firstStart = m_port == 0;
    for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
        if (m_port == 0 || (firstStart && attempt > 0))
            m_port = findFreeTcpPort();
        bool addressInUse = false;
        if (startOnce(&addressInUse)) {
            m_running = true;
            break;
        }
        if (!addressInUse)
            return false;
        QThread::msleep(200);
    }
    if (!m_running)
        return false;
    if (firstStart && !createDatabase(u"openopd_test"_s)) {
        stop();
        return false;
    }
    return true;
}

void PostgresServer::stop()
{
    if (!m_running || !m_dir)
        return;
    m_running = false;
    QString output;
    const QString error = m_error;
    if (run(u"pg_ctl"_s,
            {u"stop"_s, u"-D"_s, dataDir(), u"-m"_s, u"fast"_s, u"-w"_s, u"-t"_s,
             QString::number(kStopTimeoutSec)},
            true, (kStopTimeoutSec + 10) * 1000, &output)) {
        m_error = error;
        return;
    }
    // Last resort: the postmaster's pid is the first line of postmaster.pid.
    const QString pidText = readFile(dataDir() + u"/postmaster.pid"_s).section(u'\n', 0, 0);
    bool ok = false;
    const int pid = pidText.trimmed().toInt(&ok);
    if (ok && pid > 0) {
        ::kill(static_cast<pid_t>(pid), SIGKILL);
        QThread::msleep(500);
    }
}

bool PostgresServer::createDatabase(const QString& name)
{
    QString output;
    return run(
        u"createdb"_s,
        {u"-h"_s, u"127.0.0.1"_s, u"-p"_s, QString::number(m_port), u"-U"_s, kServerUser, name},
        false, kClientTimeoutMs, &output);
}

bool PostgresServer::isRunning() const
{
    return m_running;
}

quint16 PostgresServer::port() const
{
    return m_port;
}

QString PostgresServer::connectionUrl(const QString& database) const
{
    return u"postgresql://postgres@127.0.0.1:"_s + QString::number(m_port) + u'/' + database;
}

QString PostgresServer::dataDir() const
{
    return m_dir ? m_dir->filePath(u"data"_s) : QString();
}

QString PostgresServer::errorString() const
{
    return m_error;
}

QString PostgresServer::log() const
{
    return m_dir ? readFile(m_dir->filePath(u"server.log"_s)) : QString();
}

} // namespace openopd::testing
