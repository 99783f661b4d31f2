/** The API keys every stack starts with (API.md "Auth"): one per role, two customers. */
export const keys = { admin: 'adm.k1', operator: 'ops.k2', customerA: 'cust-a-key', customerB: 'cust-b-key' } as const;
export const API_KEYS = 'adm.k1=admin,ops.k2=operator,cust-a-key=customer:cust-a,cust-b-key=customer:cust-b';
