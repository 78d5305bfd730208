// GraphiQL against this server, with nothing fetched from outside it: queries
// over HTTP at /graphql, subscriptions over graphql-transport-ws at
// /graphql/ws. Put the key in the Headers tab as
// {"Authorization": "Bearer zs_…"}; GraphiQL keeps it in this browser's
// storage, and subscriptions send it in their connection_init.
(function () {
  var origin = window.location.origin;
  var ws = new URL('/graphql/ws', origin);
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  function authorization() {
    try {
      var headers = JSON.parse(window.localStorage.getItem('graphiql:headers') || '{}');
      return headers.Authorization || headers.authorization;
    } catch (e) {
      return undefined;
    }
  }
  var fetcher = GraphiQL.createFetcher({
    url: new URL('/graphql', origin).toString(),
    subscriptionUrl: ws.toString(),
    wsConnectionParams: function () {
      return { authorization: authorization() };
    },
  });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: true,
      defaultHeaders: '{\n  "Authorization": "Bearer zs_…"\n}',
    })
  );
})();
