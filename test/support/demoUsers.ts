/** The demo users of DESIGN §7 and their passwords: the same in the in-memory seed and in Samba AD. */
export const DEMO_PASSWORDS = {
  alice: 'Orchid!2026a',
  bob: 'Maple!2026b',
  carol: 'Cedar!2026c',
  dave: 'Birch!2026d',
  erin: 'Aspen!2026e',
  frank: 'Willow!2026f',
  grace: 'Spruce!2026g',
  heidi: 'Laurel!2026h',
  ivan: 'Hazel!2026i',
  judy: 'Juniper!2026j',
  oscar: 'Ember!2026o',
  paula: 'Poplar!2026pw',
  peggy: 'Thistle!2026p',
} as const;

export type DemoUser = keyof typeof DEMO_PASSWORDS;
