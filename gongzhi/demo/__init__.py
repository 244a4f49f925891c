"""The demo town, at the top of the house: it builds 浦江镇 (and the outsider's 梅陇镇) through the
services and the onboarding importer (gongzhi.demo.town), then plays each app's demo story
(gongzhi.demo.stories). `manage.py seed_demo` runs it; `manage.py demo_logins` lists the personas."""
