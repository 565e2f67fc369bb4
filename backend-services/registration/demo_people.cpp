#include "demo_people.h"

#include <array>
#include <random>

namespace openopd::registration {
namespace {

using protocol::Sex;

struct FirstName
{
    const char* name;
    Sex sex;
};

// UTF-8 literals, decoded with QString::fromUtf8.
constexpr std::array kFirstNames{
    FirstName{"José", Sex::Male},         FirstName{"María", Sex::Female},
    FirstName{"Zoë", Sex::Female},        FirstName{"Åsa", Sex::Female},
    FirstName{"Björn", Sex::Male},        FirstName{"Chloé", Sex::Female},
    FirstName{"Renée", Sex::Female},      FirstName{"Ngozi", Sex::Female},
    FirstName{"Oluwaseun", Sex::Male},    FirstName{"Thandiwe", Sex::Female},
    FirstName{"Sipho", Sex::Male},        FirstName{"Grace", Sex::Female},
    FirstName{"Kwame", Sex::Male},        FirstName{"Amara", Sex::Female},
    FirstName{"Chidi", Sex::Male},        FirstName{"Fatima", Sex::Female},
    FirstName{"Mohammed", Sex::Male},     FirstName{"Aïcha", Sex::Female},
    FirstName{"Noël", Sex::Male},         FirstName{"François", Sex::Male},
    FirstName{"Hélène", Sex::Female},     FirstName{"Jürgen", Sex::Male},
    FirstName{"Łukasz", Sex::Male},       FirstName{"Małgorzata", Sex::Female},
    FirstName{"Søren", Sex::Male},        FirstName{"Ingrid", Sex::Female},
    FirstName{"João", Sex::Male},         FirstName{"Conceição", Sex::Female},
    FirstName{"Ana", Sex::Female},        FirstName{"Mateo", Sex::Male},
    FirstName{"Lucía", Sex::Female},      FirstName{"Andrés", Sex::Male},
    FirstName{"Siobhán", Sex::Female},    FirstName{"Seán", Sex::Male},
    FirstName{"Priya", Sex::Female},      FirstName{"Arjun", Sex::Male},
    FirstName{"Mei", Sex::Female},        FirstName{"Wei", Sex::Male},
    FirstName{"Nguyễn Thị", Sex::Female}, FirstName{"Minh", Sex::Male},
    FirstName{"Ayşe", Sex::Female},       FirstName{"Mehmet", Sex::Male},
    FirstName{"Olga", Sex::Female},       FirstName{"Dmitri", Sex::Male},
    FirstName{"Kofi", Sex::Male},         FirstName{"Abena", Sex::Female},
    FirstName{"Tendai", Sex::Other},      FirstName{"Sam", Sex::Unknown},
    FirstName{"Maria", Sex::Female},      FirstName{"Jose", Sex::Male},
    FirstName{"Anna", Sex::Female},       FirstName{"Peter", Sex::Male},
    FirstName{"Mary", Sex::Female},       FirstName{"John", Sex::Male},
    FirstName{"Elena", Sex::Female},      FirstName{"Pablo", Sex::Male},
    FirstName{"Ifeoma", Sex::Female},     FirstName{"Emeka", Sex::Male},
    FirstName{"Zanele", Sex::Female},     FirstName{"Lwazi", Sex::Male},
    FirstName{"Nomvula", Sex::Female},    FirstName{"Thabo", Sex::Male},
};

constexpr std::array kSurnames{
    "Álvarez", "García",       "Müller",    "Ångström", "Nkosi",        "Okafor",    "Mensah",
    "Dubois",  "Øvergaard",    "Núñez",     "Côté",     "Kowalski",     "Nowak",     "Yılmaz",
    "Öztürk",  "Silva",        "Gonçalves", "Ramírez",  "Hernández",    "Peña",      "Sánchez",
    "O'Brien", "van der Berg", "Moreau",    "Lefèvre",  "Dlamini",      "Mokoena",   "Naidoo",
    "Botha",   "Adeyemi",      "Okonkwo",   "Asante",   "Boateng",      "Osei",      "Traoré",
    "Diallo",  "Ndiaye",       "Haddad",    "Khalil",   "Nguyễn",       "Trần",      "Lê",
    "Wang",    "Li",           "Zhang",     "Patel",    "Sharma",       "Iyer",      "Kumar",
    "Ivanova", "Petrov",       "Smirnov",   "Schäfer",  "Weiß",         "Fischer",   "Jensen",
    "Hansen",  "Johansson",    "Lindqvist", "Åberg",    "Þórsdóttir",   "Murphy",    "Kelly",
    "Smith",   "Jones",        "Brown",     "Taylor",   "Williams",     "Martin",    "Bernard",
    "Rossi",   "Bianchi",      "Ferrari",   "Esposito", "Papadopoulos", "Kovačević", "Horvat",
    "Novák",   "Dvořák",       "Svoboda",   "Mbeki",    "Zulu",         "Khumalo",   "Ngcobo",
    "Alvarez", "Garcia",       "Ramos",     "Castro",   "Ortiz",        "Vargas",    "Moyo",
};

constexpr std::array kStreets{"Jacaranda Street", "Church Road",    "Rua das Flores",
                              "Calle Mayor",      "Main Road",      "Avenue des Pins",
                              "Nkrumah Avenue",   "Hauptstraße 12", "Mandela Drive"};
constexpr std::array kTowns{"Pretoria", "Durban", "Accra",  "Lagos",    "Lisboa",
                            "Madrid",   "Lyon",   "Berlin", "Cape Town"};
constexpr std::array kAllergies{"penicillin", "peanuts", "sulfonamides", "latex", "aspirin"};

template <class A> const auto& pick(const A& items, std::mt19937_64& random)
{
    return items[static_cast<size_t>(random() % items.size())];
}

} // namespace

protocol::PatientDetails demoPerson(qint64 index, bool synthetic)
{
    std::mt19937_64 random(static_cast<quint64>(index) * 0x9E3779B97F4A7C15ULL +
                           (synthetic ? 17U : 3U));
    protocol::PatientDetails details;
    const FirstName& first = pick(kFirstNames, random);
    QString name =
        QString::fromUtf8(first.name) + u' ' + QString::fromUtf8(pick(kSurnames, random));
    if (random() % 4 == 0) // a second surname, joined by a hyphen or a space
        name += (random() % 2 ? u'-' : u' ') + QString::fromUtf8(pick(kSurnames, random));
    details.fullName = name;
    details.sex = first.sex;
    const QDate born = QDate(1930, 1, 1).addDays(static_cast<qint64>(random() % 34000));
    details.dateOfBirth = born;
    details.dateOfBirthEstimated = random() % 20 == 0;
    if (random() % 10 != 0)
        details.phone = QStringLiteral("+27 %1 %2 %3")
                            .arg(60 + random() % 30)
                            .arg(random() % 1000, 3, 10, QLatin1Char('0'))
                            .arg(random() % 10000, 4, 10, QLatin1Char('0'));
    if (synthetic) {
        details.nationalId = QStringLiteral("GEN-%1").arg(index, 9, 10, QLatin1Char('0'));
        return details;
    }
    if (random() % 5 != 0)
        details.nationalId = QStringLiteral("%1-%2-%3")
                                 .arg(born.toString(QStringLiteral("yyMMdd")))
                                 .arg(random() % 100, 2, 10, QLatin1Char('0'))
                                 .arg(index % 10000, 4, 10, QLatin1Char('0'));
    details.address = QStringLiteral("%1 %2, %3")
                          .arg(1 + random() % 200)
                          .arg(QString::fromUtf8(pick(kStreets, random)),
                               QString::fromUtf8(pick(kTowns, random)));
    if (random() % 6 == 0)
        details.allergies = {QString::fromUtf8(pick(kAllergies, random))};
    return details;
}

QList<DemoStaff> demoStaff()
{
    using protocol::StaffRole;
    return {{"reception1", "Grace Mensah", StaffRole::Reception},
            {"reception2", "Tomás Núñez", StaffRole::Reception},
            {"dr.silva", "Dr Ana Silva", StaffRole::Doctor},
            {"dr.okonkwo", "Dr Emeka Okonkwo", StaffRole::Doctor},
            {"nurse.dlamini", "Zanele Dlamini", StaffRole::Nurse},
            {"pharm.okafor", "Chidi Okafor", StaffRole::Pharmacist},
            {"lab.tan", "Mei Tan", StaffRole::LabTechnician},
            {"admin", "Søren Jensen", StaffRole::Admin}};
}

protocol::StaffRef staffRef(const DemoStaff& staff)
{
    return {QString::fromLatin1(staff.id), QString::fromUtf8(staff.name), staff.role};
}

} // namespace openopd::registration
