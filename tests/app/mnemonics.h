#pragma once

// Which Alt+letter keys more than one visible control of a window answers to. Qt hands an
// ambiguous mnemonic to each control in turn, so the desk's Alt+R could land in the Address
// field instead of on "Register": in every state a window shows, a letter leads to one place.

#include <QAbstractButton>
#include <QGroupBox>
#include <QKeySequence>
#include <QLabel>
#include <QMap>
#include <QMenuBar>
#include <QStringList>
#include <QTabBar>
#include <QWidget>
#include <QtTest/QTest>

namespace openopd::app {

inline QStringList mnemonicClashes(const QWidget* window)
{
    QMap<QString, QStringList> owners; // "Alt+R" -> the texts that carry it
    auto note = [&](const QString& text) {
        const QKeySequence key = QKeySequence::mnemonic(text);
        if (!key.isEmpty())
            owners[key.toString()].append(text);
    };
    // Shortcuts work within one window: a dialog parented to this widget is another window.
    auto shown = [window](const QWidget* widget) {
        return widget->window() == window->window() &&
               (widget == window || widget->isVisibleTo(window));
    };
    for (const QLabel* label : window->findChildren<QLabel*>())
        if (label->buddy() && shown(label))
            note(label->text());
    for (const QAbstractButton* button : window->findChildren<QAbstractButton*>())
        if (shown(button))
            note(button->text());
    for (const QGroupBox* box : window->findChildren<QGroupBox*>())
        if (shown(box))
            note(box->title());
    for (const QTabBar* bar : window->findChildren<QTabBar*>())
        if (shown(bar))
            for (int i = 0; i < bar->count(); ++i)
                if (bar->isTabVisible(i))
                    note(bar->tabText(i));
    for (const QMenuBar* bar : window->findChildren<QMenuBar*>())
        if (shown(bar))
            for (const QAction* action : bar->actions())
                if (action->isVisible())
                    note(action->text());
    QStringList clashes;
    for (auto it = owners.cbegin(); it != owners.cend(); ++it)
        if (it->size() > 1)
            clashes.append(it.key() + QStringLiteral(": ") + it->join(QStringLiteral(" | ")));
    return clashes;
}

} // namespace openopd::app

// In a test function: fails, naming the letters and their owners, when a key is shared.
#define OPENOPD_VERIFY_MNEMONICS(window)                                                           \
    do {                                                                                           \
        const QStringList clashes_ = ::openopd::app::mnemonicClashes(window);                      \
        QVERIFY2(clashes_.isEmpty(), qPrintable(clashes_.join(u"; ")));                            \
    } while (false)
