/**
 * pm2 process file: `npm run build`, then `pm2 start deploy/ecosystem.config.cjs` from the
 * project folder; `pm2 logs verbatim`, `pm2 save` and `pm2 startup` to keep it across reboots.
 * Settings come from .env in the project folder (or the environment pm2 is started with).
 */
module.exports = {
  apps: [
    {
      name: 'verbatim',
      cwd: require('node:path').resolve(__dirname, '..'),
      // The compiled bot, refused when dist/ is missing or older than the sources.
      script: 'dist/discord/main.js',
      node_args: ['--enable-source-maps', '--import', './scripts/requireFreshBuild.mjs'],
      // One process: the engine is loaded per process; for many servers use start:sharded instead.
      instances: 1,
      exec_mode: 'fork',
      env: { NODE_ENV: 'production', LOG_PRETTY: '0' },
      autorestart: true,
      // Exit code 78 (EX_CONFIG) means the settings need fixing: do not restart in a loop.
      stop_exit_codes: [78],
      restart_delay: 5000,
      max_restarts: 10,
      // SIGINT, then SIGKILL after this long: the bot closes the gateway and the database first.
      kill_timeout: 20000,
      max_memory_restart: '600M',
    },
  ],
};
