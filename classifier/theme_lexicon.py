"""Cue phrases for the ``ThemeLexicon`` feature of the theme classifier.

Written from ``config/themes.yaml`` (descriptions and ``examples_of_signals``) and the
labelling guide (``config/training/README.md``: its "Counts" lists, boundary rules and
the "none" topics), widened with the everyday words GPs use for the same things.

Cues are grouped; each group becomes one feature column, so the model can learn that
naming an institution ("GPC", "QOF") is weak evidence while a cue of opinion ("sold us
out", "box-ticking") is strong, and that event chatter (slides, parking) points away
from every theme. A cue matches on Snowball stems, in order ("burnt out" also finds
"Burnt-out").
"""

from __future__ import annotations

__all__ = ["LEXICON"]


def _cues(text: str) -> tuple[str, ...]:
    """Cue phrases from a block of text: one per comma-separated item."""
    return tuple(c.strip() for c in text.replace("\n", " ").split(",") if c.strip())


LEXICON: dict[str, tuple[str, ...]] = {
    "workload:hours": _cues(
        """workload, work load, hours, hour day, hour days, hour week, long day, long days,
        12 hr, sessions, list size, contacts, contacts a day, patients a day, a day, per day,
        appointments, appts, consultations, home visits, visits, on call, duty doctor,
        triage, 8am, phones, phone lines, rush, queue, on the day, inbox, results, letters,
        docs, evening surgery, evenings, weekends, weekend, nights, at night, midnight,
        late, left at, home at, in at, leave on time, left on time, finish, finished, lunch,
        no lunch, daylight, keep up, catch up, backlog, capacity, demand, volume, busy,
        busier, flat out, more work, extra work, work harder, do more, doing more, on top of,
        day job, daily grind, grind, firefighting, stretched, overstretched, understaffed,
        short staffed, cover, rota, gaps, covering, picking up, workforce, recruit,
        recruitment, vacancies, vacancy, unfilled, locum cover, time, no time, hours a week,
        sessions a week, days a week, full time, full list, 1 gp, gps for, per gp"""
    ),
    "workload:strain": _cues(
        """burnout, burnt out, burned out, burn out, exhausted, exhaustion, tired, knackered,
        shattered, worn out, running on empty, drowning, going under, sinking, stress,
        stressed, morale, overwork, overworked, collapse, collapsed, breaking point, break,
        cope, coping, survive, surviving, unsustainable, unsafe, safe, sick, off sick,
        part time, part-time, cut sessions, cut my sessions, dropped to, reduce my sessions,
        retire, retiring, retired, early retirement, quit, quitting, leaving the profession,
        emigrate, australia, into the ground, breathe, cry, tears, in tears, can't cope,
        mental health, family, kids, children, home life, holiday, annual leave,
        no life, sleep, sleepless"""
    ),
    "workload:shifted": _cues(
        """dumping, dumped, dump, shifted, shifting, shift, transfer of work, hospital,
        hospitals, outpatients, secondary care, consultants, discharge, discharged,
        see your gp, get your gp, ask your gp, tell them to see, community services,
        district nurses, care homes, care home, 111, a and e, supervision, supervising,
        supervise, supervisor, mentoring, induction, take work off, took off, taken off,
        off my plate, off our plate, eases, eased, ease the load, freed up, frees up,
        extra staff, pharmacist, physio, paramedic, social prescriber, arrs staff"""
    ),
    "funding:money": _cues(
        """funding, funded, unfunded, underfunded, fund, funds, money, cash, cash flow, pay,
        paid, unpaid, paying, payment, payments, pays, payroll, pounds, quid, penny,
        pennies, grand, income, earn, earning, earnings, salary, salaries, wage, wages,
        pay rise, pay cut, drawings, profit, profits, loss, losses, lose money, losing money,
        break even, locum rates, locum rate, sessional rate, afford, can't afford, cost,
        costs, costing, on-costs, oncosts, expense, expenses, expensive, cheap, budget,
        budgets, pension, pensions, tax, tax bill, annual allowance, superannuation,
        indemnity, premises, rent, lease, vat, reimburse, reimbursed, reimbursement,
        reimburses, claw back, clawback, clawing back, investment, invest, invested,
        resources, resourced, resourcing, under-resourced, enhanced services, incentive,
        bonus, tariff, pot, bank, bank manager, overdraft, loan, debt, debts, bankrupt,
        insolvent, financial, finance, finances, financially, value, worth, inflation,
        real terms, cuts, deficit, subsidise, subsidising, subsidy, own pocket, pocket,
        for free, for nothing, sums, maths, numbers, figures, spend, spent, spending, price,
        properly funded, new money, extra money, more money, underpaid, rich, poorer,
        better off, worse off, out of pocket, global sum, carr-hill, mpig, uplift, rise"""
    ),
    "funding:amounts": _cues(
        """£5, £5k, £5m, 5p, 5k, 5%, per patient, a patient, a head, per head,
        per weighted patient, per session, a year, per year, a month, percent, per cent,
        pittance, peanuts, crumbs, insult, insulting, joke, derisory, paltry, measly"""
    ),
    "bureaucracy:paperwork": _cues(
        """bureaucracy, bureaucratic, bureaucrats, paperwork, form, forms, form filling,
        return, returns, data extraction, extraction, extract, dataset, data collection,
        template, templates, box-ticking, box ticking, tick box, tick boxes, tick-box, boxes,
        clicking, evidence, evidencing, reporting, report, reports, sign-off, sign off,
        signed off, sign-offs, approval, approvals, approve, permission, network agreement,
        data sharing agreement, agreement, agreements, schedule, schedules, clauses,
        contract variation, registration, register, re-register, governance,
        information governance, meeting, meetings, minutes, committee, red tape, admin,
        administration, administrative, process, processes, hoops, jump through,
        spreadsheet, spreadsheets, portal, claim, claims, claim form, audit, audits,
        checklist, documentation, documents, document, submission, submit, submitted,
        deadline, deadlines, application, business case, plan, plans, action plan,
        specification, service specification, spec, requirements, requirement,
        requests for information, pointless, for the sake of it, nonsense, codes, coding,
        dashboard, chasing, chase, paper trail, emails, same data, duplicate, twice,
        hr, honorary contract, smartcard, remittance, reconcile, invoices, invoice,
        compliance, regulation, regulator, overregulated, policy, policies, procedure,
        procedures, inspection, inspections, inspector, inspectors, bid, bids, bidding,
        paper exercise, hoop, jump, micromanage, micromanaged, micromanagement"""
    ),
    "bureaucracy:bodies": _cues(
        """qof, cqc, indicators, targets, kpis, metrics, commissioners, pcse, csu, ig, dpo,
        caldicott, ccg portal, data protection, gdpr, contract"""
    ),
    "trust:cynicism": _cues(
        """faith, confidence, no confidence, vote of no confidence, believe, believe it when,
        don't believe, believe a word, sold us out, sold out, sell out, selling out,
        sold down the river, dark side, conference, conferences, junket, privatisation,
        privatise, privatised, private providers, private companies, private sector,
        virgin, takeover, trojan horse, catch, what's the catch, agenda, hidden agenda,
        motive, motives, on purpose, deliberate, deliberately, accident, designed to,
        know exactly what, promise, promised, promises, broken promise, 5000, extra gps,
        yeah right, heard it all before, heard it before, heard this before, same old,
        same promise, never again, betrayed, betrayal, betray, lied, lies, lying, liars,
        spin, propaganda, cynical, cynic, cynicism, sceptical, skeptical, suspicious,
        ivory tower, out of touch, clueless, don't have a clue, no idea, never worked,
        real world, on our side, sham, con, fooled, fool, mugs, let down, let us down,
        rely on, landmark, resign, resignation, ballot, industrial action, strike, spun,
        dressed up, lipstick, smoke and mirrors, thin end of the wedge, follow the money,
        funny that, say no more, surprise surprise, pull the other one, whom, for whom,
        who do they, represent, representing, representation, trust them, trust the,
        don't trust, can't trust, told us, tell us, expect us to, they think, they want,
        they don't, nobody listens, not listening, listened, listen, credit, credit to,
        credit where, well done, fair play, respect, honest, honesty, thank you to the,
        good job, glorious, our leaders, on high, from above, the top, them upstairs,
        rhetoric, soundbite, soundbites, buzzwords, headline, headlines, announcement,
        election, manifesto, cavalry, magic, really valued, valued"""
    ),
    "trust:bodies": _cues(
        """gpc, bma, lmc, nhse, nhs england, ccg, department, doh, dhsc, government, govt,
        ministers, minister, health sec, secretary of state, treasury, politicians,
        political, westminster, mp, mps, negotiators, negotiator, negotiated, negotiating,
        negotiation, exec, leaders, leadership, deal, area team, the author, chair"""
    ),
    "none:event": _cues(
        """slides, slide, parking, car park, venue, room, hotel, mic, microphone, audio,
        sound, speaker, speakers, presentation, presenter, webinar, recording, recorded,
        sandwiches, coffee, tea, biscuits, food, catering, lunch provided, buffet, vegetarian,
        started late, overran, ran over, finished on time, q and a, q&a, questions at the end,
        handout, handouts, train, drive, traffic, chairs, seats, screen, projector, wifi,
        next session, next one, roadshow, evening, useful, informative, helpful, interesting,
        well organised, thanks for, thank you for, great event, good event, clear,
        clearly explained"""
    ),
    "none:question": _cues(
        """does anyone, anyone know, does the, is the, is there, are there, can we, can i,
        could someone, could the, where can, where is, when is, when does, which page,
        how do, how does, what is the, is it, do we, do i, will the, will there, clarify,
        please confirm, wondering, quick question, asking for, off topic, tangent,
        clinical, shingles, vaccine, flu, bloods, formulary, prescribing"""
    ),
}
