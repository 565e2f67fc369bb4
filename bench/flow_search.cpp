// opd-bench flow: patient search as a receptionist types it.

#include "flow_runs.h"
#include "flow_support.h"

#include <QRandomGenerator>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>

namespace openopd::bench {

namespace {

// Names as they occur in a mixed clinic population (and in registration's generator), plus a
// few that match nobody. UTF-8.
const char* const kFirstNames[] = {
    "José",   "María",     "Zoë",        "Åsa",    "Björn",   "Chloé",      "Renée",
    "Ngozi",  "Oluwaseun", "Thandiwe",   "Sipho",  "Grace",   "Kwame",      "Amara",
    "Chidi",  "Fatima",    "Mohammed",   "Aïcha",  "Noël",    "François",   "Hélène",
    "Jürgen", "Łukasz",    "Małgorzata", "Søren",  "Ingrid",  "João",       "Conceição",
    "Ana",    "Mateo",     "Lucía",      "Andrés", "Siobhán", "Seán",       "Priya",
    "Arjun",  "Mei",       "Wei",        "Minh",   "Ayşe",    "Mehmet",     "Olga",
    "Dmitri", "Kofi",      "Abena",      "Tendai", "Sam",     "Maria",      "Anna",
    "Peter",  "Mary",      "John",       "Elena",  "Pablo",   "Ifeoma",     "Emeka",
    "Zanele", "Lwazi",     "Nomvula",    "Thabo",  "Xiomara", "Bartholomew"};
const char* const kSurnames[] = {
    "Álvarez",  "García",    "Müller",    "Ångström", "Nkosi",     "Okafor",       "Mensah",
    "Dubois",   "Øvergaard", "Núñez",     "Côté",     "Kowalski",  "Nowak",        "Yılmaz",
    "Öztürk",   "Silva",     "Gonçalves", "Ramírez",  "Hernández", "Peña",         "Sánchez",
    "O'Brien",  "Moreau",    "Lefèvre",   "Dlamini",  "Mokoena",   "Naidoo",       "Botha",
    "Adeyemi",  "Okonkwo",   "Asante",    "Boateng",  "Osei",      "Traoré",       "Diallo",
    "Ndiaye",   "Haddad",    "Khalil",    "Nguyễn",   "Trần",      "Wang",         "Zhang",
    "Patel",    "Sharma",    "Iyer",      "Kumar",    "Ivanova",   "Petrov",       "Smirnov",
    "Schäfer",  "Weiß",      "Fischer",   "Jensen",   "Hansen",    "Johansson",    "Lindqvist",
    "Murphy",   "Kelly",     "Smith",     "Jones",    "Brown",     "Taylor",       "Williams",
    "Martin",   "Rossi",     "Bianchi",   "Ferrari",  "Esposito",  "Papadopoulos", "Kovačević",
    "Horvat",   "Novák",     "Dvořák",    "Svoboda",  "Mbeki",     "Zulu",         "Khumalo",
    "Ngcobo",   "Ramos",     "Castro",    "Ortiz",    "Vargas",    "Moyo",         "Quillfeather",
    "Zyskowski"};

template <class A> QString pick(const A& names, QRandomGenerator& random)
{
    const auto n = static_cast<quint32>(std::size(names));
    return QString::fromUtf8(names[random.bounded(n)]);
}

QString withoutAccents(const QString& text)
{
    QString plain;
    for (const QChar c : text.normalized(QString::NormalizationForm_D))
        if (c.category() != QChar::Mark_NonSpacing)
            plain.append(c);
    return plain;
}

// The first n characters (at least 2, at most the whole word), typed as a receptionist might:
// lower case, and half of the time without the accents.
QString typed(const QString& word, int n, QRandomGenerator& random)
{
    QString prefix = word.left(std::max(2, std::min<int>(n, static_cast<int>(word.size()))));
    if (random.bounded(2))
        prefix = withoutAccents(prefix);
    return random.bounded(4) ? prefix.toLower() : prefix;
}

} // namespace

QStringList searchTexts(int count, quint32 seed)
{
    QRandomGenerator random(seed);
    QStringList texts;
    texts.reserve(count);
    while (texts.size() < count) {
        const int kind = static_cast<int>(random.bounded(10));
        const int length = 2 + static_cast<int>(random.bounded(4)); // 2..5 characters
        if (kind < 4)                                               // a surname prefix
            texts.append(typed(pick(kSurnames, random), length + 1, random));
        else if (kind < 7) // a first-name prefix
            texts.append(typed(pick(kFirstNames, random), length, random));
        else // "first surname-prefix"
            texts.append(typed(pick(kFirstNames, random), 40, random) + u' ' +
                         typed(pick(kSurnames, random), length, random));
    }
    return texts;
}

bool measureSearch(bus::Connection& client, int warmup, int queries, quint32 seed,
                   std::vector<double>& us, double* averageHits)
{
    const QStringList texts = searchTexts(warmup + queries, seed);
    long long hits = 0;
    for (int n = 0; n < texts.size(); ++n) {
        protocol::SearchPatientsRequest request;
        request.query = texts.at(n);
        request.by = protocol::PatientSearchField::Name;
        request.limit = 20;
        const auto t0 = std::chrono::steady_clock::now();
        auto reply = testing::flow::call(client, protocol::kSearchPatients, request);
        const auto t1 = std::chrono::steady_clock::now();
        if (!reply) {
            std::fprintf(stderr, "opd-bench: search '%s' failed: %s\n", qPrintable(texts.at(n)),
                         qPrintable(reply.error().toString()));
            return false;
        }
        if (n < warmup)
            continue;
        us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        hits += reply->patients.size();
    }
    if (averageHits)
        *averageHits = queries > 0 ? static_cast<double>(hits) / queries : 0;
    return true;
}

} // namespace openopd::bench
