// opd-bench app-search: keystroke to results shown, in the desktop app's patient search (the
// real PatientSearchModel, wired to a field and a table as PatientSearchPanel wires them),
// against the registration service over a million generated patients.
//
// Per query (searchTexts, as in `flow --only search`): the text but its last character is
// typed and its results are let settle; then the last key is pressed (t0) and the clock
// stops once the model shows the results for the whole text and the table has repainted
// (t1). Measured twice: with the model's default debounce (what a receptionist waits after
// the last key) and with no debounce (the search and the display alone).

#include "app_bench.h"
#include "core/reception/patient_search_model.h"
#include "flow_runs.h"
#include "json_lines.h"
#include "opd_cluster.h"
#include "stats.h"

#include <QApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTableView>
#include <QTest>
#include <QVBoxLayout>
#include <QWidget>
#include <chrono>
#include <cstdio>
#include <string>

namespace openopd::bench {
namespace {

using Clock = std::chrono::steady_clock;
using State = app::PatientSearchModel::State;

struct Settings
{
    qint64 patients = 1000000;
    int queries = 300;
    QString cache = QStringLiteral(OPENOPD_BENCH_DATA_DIR);
};

bool parse(const QStringList& args, Settings& s)
{
    for (qsizetype i = 0; i + 1 < args.size(); i += 2) {
        bool ok = false;
        if (args.at(i) == QStringLiteral("--patients"))
            s.patients = args.at(i + 1).toLongLong(&ok);
        else if (args.at(i) == QStringLiteral("--queries"))
            s.queries = args.at(i + 1).toInt(&ok);
        else if (args.at(i) == QStringLiteral("--cache"))
            ok = !(s.cache = args.at(i + 1)).isEmpty();
        if (!ok || s.patients < 1 || s.queries < 1)
            return false;
    }
    return args.size() % 2 == 0;
}

// The search as the desk shows it: a field and a results table over the model.
struct SearchDesk
{
    explicit SearchDesk(bus::Connection& connection) : model(connection)
    {
        auto* layout = new QVBoxLayout(&window);
        field = new QLineEdit(&window);
        table = new QTableView(&window);
        table->setModel(&model);
        layout->addWidget(field);
        layout->addWidget(table);
        QObject::connect(field, &QLineEdit::textChanged, &model,
                         &app::PatientSearchModel::setQuery);
        window.resize(900, 600);
        window.show();
    }

    bool settled(const QString& text) const
    {
        return model.shownQuery() == text.simplified() &&
               (model.state() == State::Results || model.state() == State::NoMatch);
    }

    QWidget window;
    app::PatientSearchModel model;
    QLineEdit* field = nullptr;
    QTableView* table = nullptr;
};

// Types text into the field one key at a time, as a keyboard would (QTest::keyClicks accepts
// only ASCII; the names are not).
void type(QWidget* field, const QString& text)
{
    for (const QChar c : text) {
        QKeyEvent press(QEvent::KeyPress, Qt::Key_unknown, Qt::NoModifier, QString(c));
        QKeyEvent release(QEvent::KeyRelease, Qt::Key_unknown, Qt::NoModifier, QString(c));
        QApplication::sendEvent(field, &press);
        QApplication::sendEvent(field, &release);
    }
}

// Keystroke -> results shown for each text (ms); false when a search did not settle.
bool measure(SearchDesk& desk, const QStringList& texts, std::vector<double>& ms, int* empty)
{
    for (const QString& text : texts) {
        desk.field->clear();
        const QString head = text.chopped(1);
        type(desk.field, head);
        if (!QTest::qWaitFor([&] { return head.trimmed().isEmpty() || desk.settled(head); }, 10000))
            return false;
        const Clock::time_point t0 = Clock::now();
        type(desk.field, text.right(1));
        if (!QTest::qWaitFor([&] { return desk.settled(text); }, 10000)) {
            std::fprintf(stderr, "opd-bench: '%s' did not settle: %s\n", qPrintable(text),
                         qPrintable(desk.model.statusText()));
            return false;
        }
        desk.table->viewport()->repaint(); // what a pending paint event would do now
        ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (desk.model.rowCount() == 0)
            ++*empty;
    }
    return true;
}

} // namespace

int runAppSearchBench(const QStringList& args)
{
    Settings s;
    if (!parse(args, s)) {
        std::fprintf(stderr,
                     "usage: opd-bench app-search [--patients N] [--queries N] [--cache DIR]\n");
        return 2;
    }
    testing::OpdCluster cluster;
    if (!startSearchRegistration(cluster, s.patients, s.cache))
        return 1;
    const auto client = cluster.connectClient(QStringLiteral("opd-bench-app-search"));
    if (!client)
        return 1;
    SearchDesk desk(*client);
    const QStringList warmup = searchTexts(20, 7);
    std::vector<double> ignored;
    int none = 0;
    if (!measure(desk, warmup, ignored, &none))
        return 1;

    const QStringList texts = searchTexts(s.queries, 11);
    struct Run
    {
        const char* name;
        int debounceMs;
    };
    const Run runs[] = {{"app_search", app::PatientSearchModel::kDefaultDebounceMs},
                        {"app_search_no_debounce", 0}};
    for (const Run& run : runs) {
        desk.model.setDebounceInterval(run.debounceMs);
        std::vector<double> ms;
        none = 0;
        if (!measure(desk, texts, ms, &none))
            return 1;
        std::fprintf(stderr,
                     "# %s (debounce %d ms): %zu keystrokes over %lld patients (%d found nobody): "
                     "p50 %.1f p95 %.1f p99 %.1f max %.1f ms\n",
                     run.name, run.debounceMs, ms.size(), s.patients, none, percentile(ms, 50),
                     percentile(ms, 95), percentile(ms, 99), percentile(ms, 100));
        printJsonLine(std::string(run.name) + "_p50_ms", percentile(ms, 50), "ms");
        printJsonLine(std::string(run.name) + "_p95_ms", percentile(ms, 95), "ms");
    }
    return 0;
}

} // namespace openopd::bench
