'use strict';
const t = require('tap');
const { startServer, expectApiError } = require('./helpers/server');

t.test('namespaces through the official SDK', async (t) => {
  const server = await startServer(t);
  const client = server.client();

  const initial = await client.ListNamespaces({});
  t.same(initial.Namespaces.map((n) => n.Name), ['default'], 'default namespace exists from the start');
  t.match(initial.RequestId, /^[0-9a-f-]{36}$/);

  await client.CreateNamespace({ Namespace: 'dev', Description: 'development' });
  await client.CreateNamespace({ Namespace: 'prod' });
  const all = await client.ListNamespaces({ Order: 'ASC' });
  t.equal(all.TotalCount, 3);
  t.same(all.Namespaces.map((n) => n.Name), ['default', 'dev', 'prod']);
  t.match(all.Namespaces[1], { Name: 'dev', Description: 'development', Type: 'default', AddTime: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/ });

  const page = await client.ListNamespaces({ Limit: 1, Offset: 1, Order: 'DESC' });
  t.equal(page.TotalCount, 3);
  t.same(page.Namespaces.map((n) => n.Name), ['dev']);

  const searched = await client.ListNamespaces({ SearchKey: [{ Key: 'Description', Value: 'develop' }] });
  t.same(searched.Namespaces.map((n) => n.Name), ['dev']);

  await client.UpdateNamespace({ Namespace: 'dev', Description: 'changed' });
  const updated = await client.ListNamespaces({ SearchKey: [{ Key: 'Namespace', Value: 'dev' }] });
  t.equal(updated.Namespaces[0].Description, 'changed');

  await expectApiError(t, client.CreateNamespace({ Namespace: 'dev' }), 'ResourceInUse.Namespace', 'duplicate namespace');
  await expectApiError(t, client.CreateNamespace({ Namespace: 'default' }), 'InvalidParameterValue.DefaultNamespace', 'default cannot be created');
  await expectApiError(t, client.CreateNamespace({ Namespace: '9bad' }), 'InvalidParameterValue.Namespace', 'name starting with a digit');
  await expectApiError(t, client.DeleteNamespace({ Namespace: 'default' }), 'FailedOperation.DeleteNamespace', 'default cannot be deleted');
  await expectApiError(t, client.DeleteNamespace({ Namespace: 'nope' }), 'ResourceNotFound.Namespace', 'unknown namespace');

  await client.DeleteNamespace({ Namespace: 'prod' });
  const after = await client.ListNamespaces({});
  t.same(after.Namespaces.map((n) => n.Name).sort(), ['default', 'dev']);

  for (let i = 0; i < 3; i++) await client.CreateNamespace({ Namespace: `extra${i}` });
  await expectApiError(t, client.CreateNamespace({ Namespace: 'toomany' }), 'LimitExceeded.Namespace', 'quota of 5 namespaces');
});
