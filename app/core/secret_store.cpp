#include "core/secret_store.h"

#include <QPointer>
#include <qt6keychain/keychain.h>

namespace openopd::app {

namespace {

SecretStore::Outcome outcomeOf(const QKeychain::Job& job)
{
    SecretStore::Outcome outcome;
    switch (job.error()) {
    case QKeychain::NoError:
        return outcome;
    case QKeychain::EntryNotFound:
        outcome.status = SecretStore::Status::NotFound;
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        outcome.status = SecretStore::Status::NoBackend;
        break;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        outcome.status = SecretStore::Status::AccessDenied;
        break;
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::OtherError:
        outcome.status = SecretStore::Status::Failed;
        break;
    }
    outcome.message = job.errorString();
    return outcome;
}

// Runs job and hands it to onFinished on context's thread (the job deletes itself after).
template <class JobType, class F> void run(JobType* job, const QString& key, QObject* context, F f)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext file instead of the keychain
    job->setKey(key);
    QPointer<QObject> guard(context);
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [guard, f = std::move(f)](QKeychain::Job* finished) {
                         if (guard)
                             f(*static_cast<JobType*>(finished));
                     });
    job->start();
}

} // namespace

SecretStore::SecretStore(QString service) : m_service(std::move(service)) {}

void SecretStore::write(const QString& key, const QByteArray& secret, QObject* context,
                        Done done) const
{
    auto* job = new QKeychain::WritePasswordJob(m_service);
    job->setBinaryData(secret);
    run(job, key, context,
        [done = std::move(done)](const QKeychain::WritePasswordJob& j) { done(outcomeOf(j)); });
}

void SecretStore::read(const QString& key, QObject* context, ReadDone done) const
{
    auto* job = new QKeychain::ReadPasswordJob(m_service);
    run(job, key, context, [done = std::move(done)](const QKeychain::ReadPasswordJob& j) {
        const Outcome outcome = outcomeOf(j);
        done(outcome, outcome.ok() ? j.binaryData() : QByteArray());
    });
}

void SecretStore::remove(const QString& key, QObject* context, Done done) const
{
    auto* job = new QKeychain::DeletePasswordJob(m_service);
    run(job, key, context,
        [done = std::move(done)](const QKeychain::DeletePasswordJob& j) { done(outcomeOf(j)); });
}

} // namespace openopd::app
