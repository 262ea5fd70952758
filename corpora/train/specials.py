# ruff: noqa: E501
"""Hand-written utterances for what composition cannot produce: corrections, arithmetic,
sarcasm, mixed negation, questions that look like asks, asks that look like questions, long
rambles, and phrasing the pools do not have.

Each entry is ``"labels || text"`` or ``"labels || text || agent context"``. Labels, separated
by `` | ``: the asks (``kind/status[/amount[/currency[/reason]]]``, several joined by ``;``,
``-`` for none; reasons D L B G), then any of ``amt=1,2`` (the facts' amounts when not just the
asks'), ``out=<outcome>``, ``card``, ``ssn``, ``style=<tag>``, ``role=agent``.
"""

from __future__ import annotations

from typing import Any

REASON = {
    "D": "Damaged Item",
    "L": "Late Delivery",
    "B": "Billing Error",
    "G": "Goodwill",
    "-": None,
    "": None,
}

CASES = """
refund/asked/20/GBP || forty quid back please... actually twenty is fine, I did use it a couple of times
refund/asked/20/USD/L || could you refund forty, no, sorry, twenty, the other twenty was the gift wrap and that came fine | amt=40,20
refund/asked/15/USD/L || the delivery was a week late so I'd like the fifteen dollar delivery fee back
refund/declined/-/-/D;replacement/asked || no refund needed, just send a new one, the last one turned up cracked
refund/asked/-/-/- || I never got my refund
refund/asked/-/-/- || still no sign of that refund you promised me on Friday
refund/question/-/-/- || how long do refunds take to show up on a credit card
refund/declined/-/-/L || it was late but honestly I'm not after a refund, I just wanted to flag it
refund/hypothetical/-/-/L || if it's not here by Monday I'll want my money back
refund/hypothetical/-/-/L || look, if this thing doesn't arrive before the wedding on Saturday I'm going to want every penny back
refund/asked/12.99/GBP/B || you've charged me twelve ninety nine twice, I want one of them back
refund/asked/12.99/USD/B || the twelve ninety-nine came out twice so please put one twelve ninety-nine back | amt=12.99,12.99
refund/asked/5/GBP/L || honestly a fiver back for the late delivery and we're square
refund/asked/10/GBP/G || I've been on hold for an hour, the least you could do is knock a tenner off
refund/asked/15/EUR/D || the mug arrived chipped, could you refund €15 please
refund/asked/15.5/EUR/B || ihr habt mich zweimal belastet - sorry, you charged me twice, 15,50 € back please
refund/asked/20/USD/B || I paid forty and was only supposed to be charged twenty, so I need the difference back | amt=40,20
refund/asked/7.5/GBP/L || the cake arrived a day late, can you refund the seven fifty delivery?
refund/asked/49.99/USD/D || it was forty-nine ninety-nine and it broke the first week, I want the whole forty-nine ninety-nine back
refund/asked/100/USD/B || you charged me three hundred instead of two hundred, please refund the hundred dollar difference | amt=300,200,100
refund/asked/30/USD/G || I'd settle for thirty bucks credit for the hassle to be honest
refund/asked/-/-/G || after twelve years as a customer and this mess, I think some sort of goodwill credit is in order
refund/asked/25/USD/G || your guy never showed and I took a day off work. Twenty-five dollars back for my trouble would be fair
refund/declined/-/-/G || I'm not after compensation, I just want someone to turn up this time
refund/asked/-/-/B || this charge, the one on the fourth, I didn't authorise it and I want it reversed
refund/asked/-/-/B || can you reverse the double payment
refund/asked/-/-/L || I want the shipping refunded, it was meant to be express
refund/retracted/-/-/D || I was going to ask for my money back but my husband fixed it with superglue so never mind
refund/retracted/30/USD/D || refund the thirty dollars please. Oh wait. No. Hold on, it's working now, don't bother
refund/asked/-/-/D || yeah so basically it's broken and I want a refund, simple as
refund/question/-/-/- || do I get my money back if I cancel within the cooling off period
refund/question/-/-/- || can you tell me if I'm due any money back
refund/asked/-/-/- || I'd like a refund on order 55231 please
refund/asked/-/-/- || I'm returning it, so I'll need the money back
refund/third_party/-/-/D || my mum ordered the heater for her flat and it came broken, she wants a refund but she can't use the phone so I'm doing it
refund/third_party/60/GBP/B || my husband's been charged sixty quid twice for his phone, he wants the sixty back
refund/asked/-/-/L;escalation/asked || the parcel's two weeks late, I want a refund and I want to speak to a manager about the way I've been treated
refund/asked/-/-/D;account_closure/asked || it arrived smashed, I want my money back and then close my account, I'm done
refund/declined/-/-/-;account_closure/asked || I don't want a refund or anything, just close the account
account_closure/declined;refund/asked/-/-/B || I'm not closing my account over this but I do want the double charge refunded
account_closure/asked || close my account please, I'm moving to Australia
account_closure/asked || I'd like to close my account, I've switched banks
account_closure/asked || right, that's it, I want my account closed today
account_closure/asked || how do I close my account? Actually, can you just do it now, I want it closed
account_closure/question || how do I close my account
account_closure/question || what would happen if I closed it? Would I lose the cashback?
account_closure/hypothetical || I'm thinking of closing my account, what happens to the points
account_closure/hypothetical || if you put the fee up again I'm closing my account, I mean it
account_closure/retracted || cancel it, close the account... no, leave it open, I'll give you one more chance
account_closure/retracted || earlier I said I wanted to close it but I've talked to my wife and we'll keep it
account_closure/third_party || my husband wants his account closed
account_closure/third_party || I'm the executor for my late father's estate and need his account closed
account_closure/third_party || my son's eighteen now, he wants to close the junior account
account_closure/declined || I got a letter saying my account's being closed, why? I don't want it closed
account_closure/declined || I am not closing my account, I just want this fee taken off
account_closure/question || will my account be closed if I don't use it
account_closure/asked || I no longer need the account so please shut it down
account_closure/asked || I want to leave your bank. Everything. Close it
account_closure/asked || please remove my account and all my data
account_closure/hypothetical || maybe I should just close the account, I don't know
account_closure/asked || I have decided to end my membership and close my account with you
account_closure/asked/-/-/- || I've had enough. Close it. Close the lot. | style=slang
cancellation/asked || cancel my order please, I found it cheaper elsewhere
cancellation/asked || I want to cancel the subscription but keep my account
cancellation/asked;account_closure/declined || cancel the magazine but don't close my account, I still use the app
cancellation/retracted || cancel tomorrow's delivery... no, actually, leave it, I'll be in
cancellation/question || if I cancel the gym membership now do I still pay for this month
cancellation/hypothetical || if they can't come Thursday I'll cancel the appointment
cancellation/third_party || my dad wants to cancel his TV package, he never watches it
replacement/asked || can you just send me another one, the box was empty
replacement/asked;refund/declined || I don't want money back, I want the right size
replacement/declined;refund/asked/-/-/D || don't send another one, they'll just break again, refund me
replacement/question || would it be quicker to get a replacement or a refund
replacement/hypothetical || if the repair doesn't work can I get a new one
callback/asked || I'm about to go into a meeting, can someone ring me back at four
callback/asked || can you call me back on this number later
callback/declined || no, don't call me, just email me
escalation/asked || I want to make a formal complaint
escalation/asked || this is the fourth time I've called, I want someone senior
escalation/asked || can I speak to your supervisor please
escalation/declined || I don't want to complain, you've been lovely, I just want it fixed
escalation/hypothetical || if you can't help me I'll want to speak to someone higher up
address_change/asked || I've moved, my new address is 14 Harbour Road, Falmouth
address_change/asked || please send the replacement to my work address instead, it's Unit 9 Riverside Park
plan_change/asked || can you drop me down to the cheapest plan, money's tight
plan_change/asked || I want to add a second line for my daughter
plan_change/question || how much would the unlimited plan be
plan_change/hypothetical || if I went onto the family plan would my number change
other/asked || can you send me a VAT receipt
other/asked || I need a new PIN sending out
other/asked || please take the late fee off, I paid on time
- || I already got my refund, I'm calling about something else
- || the refund came through yesterday, thanks, I just want to check my new bill
- || my friend said she got a refund for the same problem
- || the kettle arrived broken
- || my parcel still hasn't come and it's been ten days
- || you charged me twice last month
- || someone's been on my account, there's a login I don't recognise
- || I'm not closing anything, I'm just asking what the fee is
- || I closed my other account with you last year, this is the joint one
- || so what's the refund policy on sale stuff, just out of interest | style=indirect
refund/question || so what would happen if I sent it back, would I get refunded or just credit
- || is it normal for a refund to take two weeks
- || I'm not ringing about a refund, I'm ringing about my address
address_change/asked;refund/declined || I'm not ringing about a refund, I'm ringing to change my address to 7 Rue des Lilas
- || thank you so much, that's everything
- || oh hang on, the doorbell, two secs
- || sorry, my toddler just pressed all the buttons
- || yeah it's the same email as before
- || right, I see the email now
- || I bought it for my son's birthday, he's nine, he's obsessed with dinosaurs
- || The courier left it in the bin, which was funny, but it's fine
- || great, so it's cancelled then? | out=resolved
- || ok so that's the refund done then, brilliant | out=refund_issued
- || that's fixed it. Honestly you've been a star | out=resolved
- || alright then, I'll wait for the callback tomorrow | out=callback_scheduled
- || no, still nothing, the light's still red. I'll have to try later | out=no_resolution
- || I'll stay on the line for your manager | out=escalated
- || I have to go, my bus is here, bye | out=no_resolution
- || It's working! Oh thank god | out=resolved
refund/asked/35/USD/D || uh yeah hi so um the the blender came and the jug is like cracked all the way down and um i want my thirty five dollars back you know | style=asr
refund/asked/20/GBP/L || yeah it was meant to come tuesday it came saturday so like can i get twenty quid back or something | style=asr
account_closure/asked || um yeah i wanna clothes my account please i'm moving abroad | style=asr
account_closure/question || uh what happens if i like close the account do i lose the the money on it | style=asr
refund/declined/-/-/D;replacement/asked || no no i dont want a refund i just want a new one that works | style=asr
refund/hypothetical/-/-/L || so if it dont come by monday then yeah ill be wanting my money back | style=asr
escalation/asked || can i speak to a super visor please | style=asr
callback/asked || can you ring me back after five im at work | style=asr
refund/asked/12.99/USD/B || you charged me twelve ninety nine two times so refund one twelve ninety nine | style=asr | amt=12.99,12.99
refund/asked/-/-/B || i was double charged i need the money put back | style=asr
refund/asked/-/-/D || its broke in half i want me money back | style=asr
cancellation/asked || yeah cancel the um the gym thing the membership i dont go any more | style=asr
address_change/asked || i moved house its twenty eight church close now | style=asr
refund/asked/40/USD/B || u charged me 40 bucks twice, refund 1 of them pls | style=chat | amt=40,40
refund/asked/-/-/L || where is my parcel?? 2 weeks late. want refund | style=chat
account_closure/asked || close my acct pls im done | style=chat
account_closure/question || wat happens if i close my acct | style=chat
refund/declined/-/-/D;replacement/asked || dont want refund, just send new 1 | style=chat
refund/asked/25/EUR/D || arrived brokn, 25€ back plz | style=chat
escalation/asked || manager. now. | style=chat
callback/asked || can som1 call me l8r | style=chat
refund/retracted/-/-/D || want refund... nvm its working lol | style=chat
refund/hypothetical/-/-/L || if not here by fri i want refund | style=chat
refund/asked/30/GBP/D || Dear Sir or Madam, I am writing regarding order 77310. The lamp arrived with a shattered shade. I would be grateful if you could refund the sum of £30.00 to my original payment method. Yours faithfully, Margaret Doyle | style=formal
account_closure/asked || To whom it may concern, please accept this letter as formal instruction to close my account, reference ACC-4471, with effect from the end of this month. Regards, J. Whitaker | style=formal
refund/declined/-/-/L || Dear Support, I wish to note that my order arrived four days late. I do not seek a refund; I simply ask that you review your courier arrangements. Kind regards | style=formal
refund/hypothetical/-/-/L || Hello, my order has not arrived. Should it not be delivered by Friday, I will expect a full refund. Regards | style=formal
refund/asked/-/-/B || Good afternoon, I note that my account was debited twice on 3 March. I trust you will reimburse the duplicate payment promptly. Many thanks | style=formal
refund/asked/-/-/D || Hello, the product is arrive broken. I want to have the money back please | style=nonnative
refund/asked/50/EUR/L || the package is coming very late, ten days. I think you must give me back 50 euro | style=nonnative
account_closure/asked || I want to close my account because I go back to my country | style=nonnative
account_closure/hypothetical || if I close the account, the money is coming back to me? | style=nonnative
refund/declined/-/-/D;replacement/asked || I not want refund, I want the new one please | style=nonnative
escalation/asked || please I want talk with your chief | style=nonnative
refund/asked/-/-/G || I call five times and no one help me, I think you must give me some compensation | style=nonnative
refund/asked/-/-/L || so I ordered these for my daughter's party, the party's been and gone, lovely day, we did a bouncy castle, her friends all came, my mum made the cake, and anyway the decorations turned up the day after. So I'd like the money back for those really | style=smalltalk
- || oh hiya, sorry, I've been on hold so long I made a cup of tea, how are you, is it busy today, I bet it is with the weather. Anyway I'm just ringing to check you've got my new email | style=smalltalk
refund/asked/60/GBP/B;address_change/asked || Two things. First, you charged me sixty quid twice in May, so sixty back please. Second, I've moved to 45 Oak Avenue | style=multi | amt=60,60
refund/asked/-/-/D;callback/asked || the tv's cracked, I want a refund, and can someone call me back when it's done | style=multi
cancellation/asked;refund/asked/-/-/B || cancel the subscription and refund last month's charge, I cancelled it in April and you still took it | style=multi
refund/asked/15/USD/L;refund/declined/-/-/D || refund the fifteen for shipping since it was late, but the scratch on the side I'm not bothered about | style=multi
refund/offered_accepted/20/GBP || yes please, twenty would be lovely || I can refund £20 for the inconvenience, would you like that?
refund/offered_declined || no, keep it, just get the engineer out || I could refund you £15 for the missed appointment?
refund/offered_accepted/10/USD || ok fine, yeah, do the ten || I can offer you ten dollars back as a goodwill gesture.
account_closure/offered_declined || no! God no, I don't want it closed, I want it fixed || Would you like me to close the account then?
account_closure/offered_accepted || yes, go ahead and close it || Would you like me to close your account?
callback/offered_accepted || yeah tomorrow morning's good || I can book a callback for tomorrow morning, would that work?
escalation/offered_accepted || please, yes, I want to talk to someone who can decide || Shall I pass you to my manager?
replacement/offered_declined || nah, I'll just take the refund I asked for || Would you rather have a replacement?
replacement/offered_accepted || oh yes, a new one would be perfect || I can send a replacement out today.
refund/offered_declined || I don't want money, I want the parcel || Would a refund for the shipping help?
escalation/offered_declined || no, you're doing fine, I don't need your manager || Would you like me to pass this to my supervisor?
escalation/offered_declined || nah, no complaints team, just get it fixed || I can transfer you to our complaints team, would you like that?
cancellation/offered_declined || no no, I still want the delivery, just later || Would you like me to cancel tomorrow's delivery?
address_change/offered_accepted || oh yes, good idea, update it || Shall I update your address to 45 Oak Avenue while we're here?
plan_change/offered_declined || I'm fine where I am thanks || Would you like to switch to the unlimited plan?
other/offered_accepted || yes please, email it over || Would you like a copy of the invoice emailed over?
- || Thanks for confirming, I'll pass that to billing. | role=agent
- || I can see you were charged twice; I'll raise that with the billing team. | role=agent
- || You said the card was 4111 1111 1111 1111, I'll update it now. | role=agent | card
- || I've refunded the £20; it'll reach your card in three to five days. | role=agent | out=refund_issued | amt=20
- || I'll pass you to my supervisor, please hold. | role=agent | out=escalated
- || I've booked a callback for Thursday between two and four. | role=agent | out=callback_scheduled
- || Good news, the fault's cleared on our side. | role=agent | out=resolved
- || I'm afraid the system won't let me do a refund today. | role=agent | out=no_resolution
refund/asked/-/-/D || my card number? oh, it's 4111 1111 1111 1111, anyway the kettle's broken and I want a refund | card
- || the long number is five five five five, five five five five, five five five five, four four four four | card | style=asr
- || it's three seven eight two eight two two four six three one oh oh oh five, the amex | card | style=asr
- || card is 6011-1111-1111-1117 exp 09/28 | card | style=chat
- || my social is two one nine, oh nine, nine nine nine nine | ssn | style=asr
- || my social is 219 09 9999, do you need anything else | ssn
- || ok the SSN is 078-05-1120, it's on the form too | ssn
- || um my social security number is five two three uh four five uh six seven eight nine | ssn | style=asr
- || card ending 4444 please | style=chat
- || the last four of my social are 6789 | style=plain
- || my tracking number is 9400 1000 0000 0000 | style=plain
- || phone me on 415-555-0134 | style=plain
"""


def _ask(spec: str) -> dict[str, Any]:
    parts = spec.split("/") + ["-"] * 5
    kind, status, amount, currency, reason = parts[:5]
    value = None if amount in ("-", "") else float(amount)
    return {
        "kind": kind,
        "status": status,
        "amount": value,
        "currency": None if value is None or currency in ("-", "") else currency,
        "reason": REASON[reason] if kind == "refund" else None,
    }


def _style(text: str) -> str:
    lower = text.lower()
    if text == lower and not any(c in text for c in ".,?!"):
        return "asr"
    return "plain"


def records() -> list[dict[str, Any]]:
    out = []
    for line in CASES.strip().splitlines():
        fields = [f.strip() for f in line.split("||")]
        labels, text = fields[0], fields[1]
        context = fields[2] if len(fields) > 2 else None
        head, *options = [o.strip() for o in labels.split(" | ")]
        # options may also follow the text: "text | style=asr"
        tparts = [t.strip() for t in text.split(" | ")]
        text, options = tparts[0], options + tparts[1:]
        asks = [] if head == "-" else [_ask(a.strip()) for a in head.split(";")]
        opts: dict[str, str] = {}
        for o in options:
            key, _, value = o.partition("=")
            opts[key] = value
        amounts = (
            [float(a) for a in opts["amt"].split(",")]
            if "amt" in opts
            else [a["amount"] for a in asks if a["amount"] is not None]
        )
        style = opts.get("style") or ("offer" if context else _style(text))
        if context:
            style = opts.get("style", "plain")
        out.append(
            {
                "text": text,
                "role": "agent" if "role" in opts else "customer",
                "context": context,
                "asks": asks,
                "facts": {"amounts": amounts, "card": "card" in opts, "ssn": "ssn" in opts},
                "outcome": opts.get("out") or None,
                "style": "agent" if "role" in opts else style,
            }
        )
    return out
