/*
 * FirstReply admin console (/admin). Plain JS, no framework, no build step.
 * Talks to the admin API (/api/admin/*, see /api/docs) with a bearer token from /api/auth/login.
 * Every text that comes from the server or an admin is set with textContent — never parsed as HTML.
 * Every change is published as a new configuration version based on the version the page shows;
 * if someone else published meanwhile the server answers 409 and the page offers to reload.
 * See docs/admin.md.
 */
(() => {
  // biome-ignore lint/suspicious/noRedundantUseStrict: a classic script, not a module
  'use strict';

  const TOKEN_KEY = 'firstreply.admin.token';
  const LANG_KEY = 'firstreply.admin.lang';
  let lang = localStorage.getItem(LANG_KEY) || (/^zh/i.test(navigator.language || '') ? 'zh' : 'en');

  const STR = {
    zh: {
      title: '管理后台',
      product: 'FirstReply 管理后台',
      loginTitle: '登录管理后台',
      loginHint: '仅管理员可以修改机器人配置。',
      login: '登录名',
      password: '密码',
      signIn: '登录',
      badLogin: '登录名或密码错误。',
      notAdmin: '此账号不是管理员，无法使用管理后台。',
      logout: '退出登录',
      switchLang: 'English',
      live: (v) => `当前线上版本 v${v}`,
      pages: {
        intents: '意图与关键词',
        replies: '回复模板',
        routing: '分级与分配',
        agents: '客服账号',
        hours: '营业时间与设置',
        versions: '版本历史',
        audit: '操作日志',
        try: '试一试',
      },
      intros: {
        intents:
          '意图决定机器人“听懂”什么：客户消息里出现关键词时，机器人用对应的回复模板回答，或转给人工。修改发布后，下一条消息立即生效。',
        replies: '回复模板是机器人说的话。每种语言可以写多条，机器人轮流使用。可以插入变量，例如店铺名。',
        routing: '分级决定会话的紧急程度和时限；分组决定由哪些客服接待、按什么顺序分配。',
        agents: '创建客服账号、调整级别和接待上限、重置密码、强制设置状态。',
        hours: '营业时间之外，机器人会发送“离开”消息并告知何时恢复服务。',
        versions:
          '每次发布都会生成一个新版本，记录谁、何时、改了什么。任何旧版本都可以一键恢复（恢复也会生成新版本）。',
        audit: '所有管理操作（登录、发布、被拒绝的修改、恢复、账号变更、强制状态）都记录在这里。',
        try: '输入一句客户可能说的话，看看机器人会怎么理解、怎么回复、会转给谁。也可以用标注文件评估草稿、获取关键词建议。',
      },
      search: '搜索',
      newIntent: '新建意图',
      newReply: '新建回复模板',
      pickIntent: '从左侧选择一个意图，或新建一个。',
      pickReply: '从左侧选择一个回复模板，或新建一个。',
      id: '编号',
      idHint: '小写字母、数字和短横线，例如 shipping-time',
      description: '说明',
      action: '机器人动作',
      actions: { reply: '用回复模板回答', handoff: '转人工' },
      replyTemplate: '回复模板',
      sameAsId: '（与编号相同）',
      priority: '优先级',
      priorityHint: '数字越大越优先；同一优先级的意图不能共用关键词',
      tier: '分级',
      group: '客服分组',
      defaultGroup: '（默认分组）',
      smalltalk: '闲聊（问候、感谢等，与真正的问题同时出现时忽略）',
      veto: '排除词',
      vetoHint: '消息包含这些词时，整个意图不生效',
      rules: '匹配规则',
      rule: (n) => `规则 ${n}`,
      any: '任一关键词',
      anyHint: '每行一个，或用逗号、顿号分隔；出现任何一个即命中',
      all: '同时包含（每行一组）',
      allHint: '每一行都至少出现一个词才命中，行内用逗号分隔',
      none: '规则排除词',
      weight: '权重',
      addRule: '添加规则',
      removeRule: '删除规则',
      examples: '例句',
      more2: '其他',
      examplesHint: '每行一句，用于示例匹配和测试',
      publish: '发布更改',
      publishing: '发布中…',
      delete: '删除',
      confirmDelete: '确认删除',
      cancel: '取消',
      published: (v) => `已发布，线上版本现在是 v${v}。下一条客户消息即使用新配置。`,
      deleted: (v) => `已删除，线上版本现在是 v${v}。`,
      noChange: '没有任何改动。',
      stale: (v) => `在您编辑期间，其他人已发布了版本 v${v}。您的修改没有保存；请重新加载后再改。`,
      reload: '重新加载',
      invalid: '修改未发布，配置保持不变。请修正以下问题：',
      locale: (l) => (l === 'zh' ? '中文 (zh)' : l === 'en' ? '英文 (en)' : l),
      variant: (l, n) => `${l} · 第 ${n} 条`,
      addVariant: '添加一条',
      removeVariant: '删除此条',
      addLocale: '添加语言',
      localeCode: '语言代码，例如 ja',
      quickReplies: '快捷回复按钮',
      quickHint: '用逗号分隔，最多 10 个',
      variables: '插入变量：',
      varNames: {
        shop: '店铺名',
        customer: '客户名',
        agent: '客服名',
        queuePosition: '排队位置',
        waitMinutes: '预计等待分钟',
        backAt: '恢复服务时间',
        hours: '营业时间',
      },
      tiers: '分级',
      tierCols: [
        '编号',
        '紧急程度',
        '首次回复(秒)',
        '回复(秒)',
        '超时(秒)',
        '自动转接(秒)',
        '达标率目标%',
        '排队加速(秒)',
        '',
      ],
      save: '保存',
      addTier: '添加分级',
      groups: '客服分组与分配策略',
      groupCols: ['分组', '分配策略', '老客户回到上次的客服', ''],
      strategies: { 'skilled-first': '资深优先', balanced: '均衡', 'round-robin': '轮询' },
      addGroup: '添加分组',
      groupId: '分组编号',
      levels: '客服级别',
      levelCols: ['级别', '默认接待上限', '可接待的分级'],
      levelNames: { trainee: '新人', regular: '正式', senior: '资深', lead: '组长', supervisor: '主管' },
      otherRules: '其他规则',
      defaultGroupLabel: '默认分组',
      escalationTier: '升级分级',
      escalationKeywords: '升级关键词',
      escalationHint: '出现这些词（如 12315、投诉）时会话立即升为升级分级',
      vipTier: 'VIP 至少为',
      maxHops: '最多自动转接次数',
      onHold: '等待客户回复多久后释放名额(秒)',
      awayAfter: '连续超时几次后自动设为离开(0=不启用)',
      grace: '断线多久算离线(秒)',
      saveRouting: '保存分配规则',
      agentsTitle: '客服账号',
      agentCols: ['姓名', '登录名', '角色', '级别', '排序', '上限', '分组', '测试', '状态', ''],
      roles: { agent: '客服', supervisor: '主管', admin: '管理员' },
      statuses: { online: '在线', away: '离开', invisible: '隐身', offline: '离线' },
      edit: '编辑',
      resetPassword: '重置密码',
      newPassword: '新密码（至少 8 位）',
      forceStatus: '设置状态',
      createAgent: '创建客服账号',
      name: '姓名',
      role: '角色',
      level: '级别',
      rank: '排序（小的优先）',
      cap: '接待上限',
      capHint: '留空使用级别默认值；0 表示不接待',
      groupsField: '分组（逗号分隔，留空为全部）',
      testAgent: '测试账号（不分配真实客户）',
      create: '创建',
      agentSaved: '已保存。',
      agentCreated: (n) => `已创建账号 ${n}。`,
      passwordReset: '密码已重置。',
      statusSet: '状态已更新。',
      yes: '是',
      no: '否',
      hoursTitle: '营业时间',
      timezone: '时区',
      days: { mon: '周一', tue: '周二', wed: '周三', thu: '周四', fri: '周五', sat: '周六', sun: '周日' },
      ranges: '时间段',
      rangesHint: '例如 09:00-18:00, 19:00-22:00；留空表示休息',
      holidays: '节假日（全天休息）',
      addHoliday: '添加节假日',
      exceptions: '特殊日期（当天使用特别的时间段，留空为休息）',
      addException: '添加特殊日期',
      saveHours: '保存营业时间',
      greetingTitle: '欢迎语与离开消息',
      greetingEnabled: '每天第一次咨询时发送欢迎语',
      quietMinutes: '会话进行中几分钟内不再发欢迎语',
      awayQuiet: '客服几分钟内回复过则不发离开消息',
      handoffNotice: '转人工提示几分钟内不重复',
      saveGreeting: '保存欢迎语设置',
      spamTitle: '垃圾消息规则',
      spamKeywords: '关键词（每行一个）',
      spamPatterns: '正则表达式（每行一个）',
      spamPatternsHint: 'JavaScript 语法，不区分大小写；可能导致灾难性回溯的写法（如 (a+)+）会被拒绝',
      maxLinks: '单条消息最多链接数（0=不限）',
      saveSpam: '保存垃圾消息规则',
      alertsTitle: '告警阈值（0=关闭）',
      alertFirst: '滚动首次响应中位数超过(秒)',
      alertWindow: '滚动窗口(分钟)',
      alertQueue: '排队会话超过',
      alertOverdue: '超时会话超过',
      saveAlerts: '保存告警阈值',
      versionCols: ['版本', '时间', '操作人', '说明', ''],
      view: '查看',
      current: '线上',
      diffTitle: (v) => `版本 v${v} 的改动（与前一版本相比）`,
      diffCols: ['位置', '改动前', '改动后'],
      noDiff: '没有改动。',
      firstVersion: '这是第一个版本（从文件导入的初始配置）。',
      restore: '恢复到此版本',
      confirmRestore: (v) => `确认恢复到 v${v}`,
      restored: (old, v) => `已恢复版本 v${old}，成为新版本 v${v}。`,
      auditCols: ['时间', '操作人', '操作', '详情'],
      refusedSuffix: '（被拒绝）',
      actionNames: {
        'auth.login': '登录',
        'auth.logout': '退出登录',
        'agent.create': '创建客服账号',
        'agent.update': '修改客服账号',
        'agent.status.forced': '强制设置状态',
        'config.publish': '发布配置',
        'config.restore': '恢复版本',
        'intent.put': '保存意图',
        'intent.delete': '删除意图',
        'reply.put': '保存回复模板',
        'reply.delete': '删除回复模板',
        'tier.put': '保存分级',
        'tier.delete': '删除分级',
        'group.put': '保存分组',
        'group.delete': '删除分组',
        'routing.put': '保存分配规则',
        'shop.put': '保存店铺设置',
        'hours.put': '保存营业时间',
        'greeting.put': '保存欢迎语设置',
        'spam.put': '保存垃圾消息规则',
        'alerts.put': '保存告警阈值',
      },
      more: '加载更多',
      tryText: '客户消息',
      tryPlaceholder: '例如：什么时候发货',
      tryLocale: '回复语言',
      auto: '自动识别',
      vip: 'VIP 客户',
      returning: '今天已问候过',
      tryButton: '试运行',
      decision: '机器人决定',
      decisions: { template: '自动回复', handoff: '转人工', greeting: '仅欢迎语', none: '不回复' },
      reasons: {
        confident: '有把握的匹配',
        'handoff-keyword': '转人工关键词',
        smalltalk: '闲聊',
        ambiguous: '两个意图难以区分',
        'below-threshold': '把握不够',
        'no-match': '没有匹配的关键词',
        waiting: '正在等待人工',
        'agent-assigned': '已有客服接待',
      },
      replies: '回复内容',
      kinds: {
        greeting: '欢迎语',
        template: '模板回复',
        handoff: '转人工提示',
        away: '离开消息',
        queue: '排队提示',
      },
      matchedIntent: '匹配的意图',
      score: '得分',
      reason: '原因',
      rulesTitle: '命中的规则',
      ruleCols: ['意图', '得分', '覆盖', '规则', '命中的词', '排除'],
      normalized: '规范化文本',
      tokens: '分词',
      corrections: '纠正拼写',
      tierTitle: '分级',
      because: { current: '当前', intent: '意图', default: '默认', vip: 'VIP' },
      routingTitle: '若转人工，现在会分配给',
      nobody: '暂无可接待的客服（会进入排队）',
      strategy: '策略',
      verdicts: {
        chosen: '获得会话',
        next: '下一位',
        eligible: '可接待',
        'test-agent': '测试账号',
        away: '离开',
        invisible: '隐身',
        offline: '离线',
        'not-in-group': '不在该分组',
        'outside-tier-window': '级别不接此分级',
        'let-it-go-overdue': '曾让此会话超时',
        'below-level': '级别不够',
        'cap-zero': '上限为 0',
        'at-cap': '已满',
      },
      open: '营业中',
      closed: (at) => `休息中${at ? `，${at} 恢复` : ''}`,
      spam: '垃圾消息规则命中',
      draftTitle: '草稿：发布前先看看会改变什么',
      csvLabel: '标注文件（CSV，表头 text,intent）',
      csvHint: '每行一句客户消息和它应属的意图；意图留空表示机器人不应自动回答',
      loadFile: '读取文件',
      suggest: '推荐关键词',
      evaluate: '用标注文件评估',
      suggestionsTitle: '关键词建议',
      suggestionMeta: (s) =>
        `命中 ${s.support} 句，准确 ${Math.round(s.precision * 100)}%，新增覆盖 ${s.gain} 句`,
      answeredNow: (a, n) => `目前答对 ${a}/${n} 句`,
      noSuggestions: '没有合适的建议。',
      unknownIntents: (l) => `文件中有配置里没有的意图：${l}`,
      addToDraft: '加入草稿',
      draftStatus: (n) => `草稿与线上版本相比有 ${n} 处改动`,
      compare: '与线上比较',
      publishDraft: '发布草稿',
      discardDraft: '放弃草稿',
      noDraft: '还没有草稿。在上面选择关键词建议并加入草稿。',
      draftInvalid: '草稿有问题，不能发布：',
      changesTitle: '发布后这句话的变化',
      noChanges: '这句话的处理不会改变。',
      changeNames: {
        intent: '意图',
        decision: '决定',
        replies: '回复',
        tier: '分级',
        agent: '分配给',
        score: '得分',
      },
      liveCol: '线上',
      draftCol: '草稿',
      evalTitle: (n) => `评估结果（${n} 句）`,
      metricNames: {
        precision: '自动回答准确率',
        coverage: '覆盖率',
        falseAnswerRate: '误答率',
        answered: '自动回答句数',
        correct: '答对句数',
      },
      fixedBroken: (f, b) => `草稿修正了 ${f} 句，改错了 ${b} 句`,
      changedLines: '处理有变化的句子',
      lineCols: ['行', '文本', '应为', '线上', '草稿'],
      handoffShort: '转人工',
      errNetwork: '网络异常，请稍后重试。',
      errGeneric: '操作失败：',
      loading: '加载中…',
    },
    en: {
      title: 'Admin console',
      product: 'FirstReply Admin',
      loginTitle: 'Sign in to the admin console',
      loginHint: 'Only administrators can change the bot configuration.',
      login: 'Login',
      password: 'Password',
      signIn: 'Sign in',
      badLogin: 'Login or password is wrong.',
      notAdmin: 'This account is not an administrator.',
      logout: 'Sign out',
      switchLang: '中文',
      live: (v) => `Live version v${v}`,
      pages: {
        intents: 'Intents & keywords',
        replies: 'Reply templates',
        routing: 'Tiers & routing',
        agents: 'Agents',
        hours: 'Hours & settings',
        versions: 'Versions',
        audit: 'Audit log',
        try: 'Try it',
      },
      intros: {
        intents:
          'Intents are what the bot understands: when a customer message contains their keywords, the bot answers with the reply template or hands the chat to a person. A published change is used by the very next message.',
        replies:
          'Reply templates are what the bot says. Write several variants per language; the bot uses them in turn. Variables such as the shop name can be inserted.',
        routing:
          'Tiers set how urgent a chat is and its deadlines; groups set which agents take chats and in which order.',
        agents: 'Create agent accounts, change level and chat cap, reset passwords, force a status.',
        hours: 'Outside business hours the bot sends the away message and says when service resumes.',
        versions:
          'Every publish creates a new version recording who changed what, and when. Any earlier version can be restored in one click (the restore is a new version too).',
        audit:
          'Every admin action — logins, publishes, refused edits, restores, account changes, forced status changes — is recorded here.',
        try: 'Type what a customer might say and see how the bot understands it, what it answers and who would get the chat. Evaluate a draft against a labelled file and get keyword suggestions.',
      },
      search: 'Search',
      newIntent: 'New intent',
      newReply: 'New reply template',
      pickIntent: 'Pick an intent on the left, or create one.',
      pickReply: 'Pick a reply template on the left, or create one.',
      id: 'ID',
      idHint: 'lowercase letters, digits and dashes, e.g. shipping-time',
      description: 'Description',
      action: 'Bot action',
      actions: { reply: 'Answer with a reply template', handoff: 'Hand off to a person' },
      replyTemplate: 'Reply template',
      sameAsId: '(same as the ID)',
      priority: 'Priority',
      priorityHint: 'higher wins; intents of the same priority cannot share a keyword',
      tier: 'Tier',
      group: 'Agent group',
      defaultGroup: '(default group)',
      smalltalk: 'Small talk (greetings, thanks… ignored beside a real question)',
      veto: 'Veto words',
      vetoHint: 'a message containing any of these never matches this intent',
      rules: 'Matching rules',
      rule: (n) => `Rule ${n}`,
      any: 'Any of these keywords',
      anyHint: 'one per line, or separated by commas; any one of them matches',
      all: 'All of these groups (one group per line)',
      allHint: 'a word from every line must appear; words within a line separated by commas',
      none: 'Rule veto words',
      weight: 'Weight',
      addRule: 'Add a rule',
      removeRule: 'Remove rule',
      examples: 'Example sentences',
      more2: 'More',
      examplesHint: 'one per line; used by example matching and tests',
      publish: 'Publish changes',
      publishing: 'Publishing…',
      delete: 'Delete',
      confirmDelete: 'Really delete',
      cancel: 'Cancel',
      published: (v) => `Published: version v${v} is live. The next customer message uses it.`,
      deleted: (v) => `Deleted: version v${v} is live.`,
      noChange: 'Nothing changed.',
      stale: (v) =>
        `Someone else published version v${v} while you were editing. Your change was not saved; reload and edit again.`,
      reload: 'Reload',
      invalid: 'Not published; the configuration is unchanged. Please fix:',
      locale: (l) => (l === 'zh' ? 'Chinese (zh)' : l === 'en' ? 'English (en)' : l),
      variant: (l, n) => `${l} · variant ${n}`,
      addVariant: 'Add a variant',
      removeVariant: 'Remove this variant',
      addLocale: 'Add a language',
      localeCode: 'language code, e.g. ja',
      quickReplies: 'Quick-reply buttons',
      quickHint: 'separated by commas, at most 10',
      variables: 'Insert a variable:',
      varNames: {
        shop: 'shop name',
        customer: 'customer name',
        agent: 'agent name',
        queuePosition: 'queue position',
        waitMinutes: 'wait minutes',
        backAt: 'back at',
        hours: 'opening hours',
      },
      tiers: 'Tiers',
      tierCols: [
        'ID',
        'Urgency',
        'First reply (s)',
        'Reply (s)',
        'Overdue (s)',
        'Auto-transfer (s)',
        'Target %',
        'Queue boost (s)',
        '',
      ],
      save: 'Save',
      addTier: 'Add a tier',
      groups: 'Agent groups and routing strategy',
      groupCols: ['Group', 'Strategy', 'Returning customers go to their last agent', ''],
      strategies: {
        'skilled-first': 'Most skilled first',
        balanced: 'Balanced',
        'round-robin': 'Round robin',
      },
      addGroup: 'Add a group',
      groupId: 'Group ID',
      levels: 'Agent levels',
      levelCols: ['Level', 'Default chat cap', 'Tiers this level takes'],
      levelNames: {
        trainee: 'Trainee',
        regular: 'Regular',
        senior: 'Senior',
        lead: 'Lead',
        supervisor: 'Supervisor',
      },
      otherRules: 'Other rules',
      defaultGroupLabel: 'Default group',
      escalationTier: 'Escalation tier',
      escalationKeywords: 'Escalation keywords',
      escalationHint: 'words (e.g. lawyer, complaint) that make a chat urgent at once',
      vipTier: 'VIP customers at least',
      maxHops: 'Automatic transfers at most',
      onHold: 'Free the slot after waiting on the customer (s)',
      awayAfter: 'Set away after this many overdue chats in a row (0 = never)',
      grace: 'Disconnected this long counts as offline (s)',
      saveRouting: 'Save routing rules',
      agentsTitle: 'Agents',
      agentCols: ['Name', 'Login', 'Role', 'Level', 'Rank', 'Cap', 'Groups', 'Test', 'Status', ''],
      roles: { agent: 'Agent', supervisor: 'Supervisor', admin: 'Admin' },
      statuses: { online: 'Online', away: 'Away', invisible: 'Invisible', offline: 'Offline' },
      edit: 'Edit',
      resetPassword: 'Reset password',
      newPassword: 'New password (8+ characters)',
      forceStatus: 'Set status',
      createAgent: 'Create an agent',
      name: 'Name',
      role: 'Role',
      level: 'Level',
      rank: 'Rank (lower first)',
      cap: 'Chat cap',
      capHint: 'empty: the level default; 0 receives no chats',
      groupsField: 'Groups (comma-separated; empty = all)',
      testAgent: 'Test account (never gets real customers)',
      create: 'Create',
      agentSaved: 'Saved.',
      agentCreated: (n) => `Account ${n} created.`,
      passwordReset: 'Password reset.',
      statusSet: 'Status changed.',
      yes: 'yes',
      no: 'no',
      hoursTitle: 'Business hours',
      timezone: 'Time zone',
      days: { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' },
      ranges: 'Hours',
      rangesHint: 'e.g. 09:00-18:00, 19:00-22:00; empty = closed',
      holidays: 'Holidays (closed all day)',
      addHoliday: 'Add a holiday',
      exceptions: 'Special dates (their own hours; empty = closed)',
      addException: 'Add a special date',
      saveHours: 'Save business hours',
      greetingTitle: 'Greeting and away message',
      greetingEnabled: 'Send the greeting on the first message of the day',
      quietMinutes: 'No greeting while the chat was active within (min)',
      awayQuiet: 'No away message if an agent replied within (min)',
      handoffNotice: 'Do not repeat the hand-off notice within (min)',
      saveGreeting: 'Save greeting settings',
      spamTitle: 'Spam rules',
      spamKeywords: 'Keywords (one per line)',
      spamPatterns: 'Regular expressions (one per line)',
      spamPatternsHint:
        'JavaScript syntax, case-insensitive; patterns that can backtrack catastrophically, like (a+)+, are refused',
      maxLinks: 'Links per message at most (0 = no limit)',
      saveSpam: 'Save spam rules',
      alertsTitle: 'Alert thresholds (0 = off)',
      alertFirst: 'Rolling first-response median above (s)',
      alertWindow: 'Rolling window (min)',
      alertQueue: 'Chats waiting above',
      alertOverdue: 'Overdue chats above',
      saveAlerts: 'Save alert thresholds',
      versionCols: ['Version', 'When', 'Who', 'Summary', ''],
      view: 'View',
      current: 'live',
      diffTitle: (v) => `Changes of version v${v} (against the version before)`,
      diffCols: ['Where', 'Before', 'After'],
      noDiff: 'No changes.',
      firstVersion: 'This is the first version (the initial configuration from the files).',
      restore: 'Restore this version',
      confirmRestore: (v) => `Confirm restoring v${v}`,
      restored: (old, v) => `Version v${old} restored as the new version v${v}.`,
      auditCols: ['When', 'Who', 'Action', 'Details'],
      refusedSuffix: '(refused)',
      actionNames: {
        'auth.login': 'Login',
        'auth.logout': 'Logout',
        'agent.create': 'Agent created',
        'agent.update': 'Agent changed',
        'agent.status.forced': 'Status forced',
        'config.publish': 'Configuration published',
        'config.restore': 'Version restored',
        'intent.put': 'Intent saved',
        'intent.delete': 'Intent deleted',
        'reply.put': 'Reply template saved',
        'reply.delete': 'Reply template deleted',
        'tier.put': 'Tier saved',
        'tier.delete': 'Tier deleted',
        'group.put': 'Group saved',
        'group.delete': 'Group deleted',
        'routing.put': 'Routing rules saved',
        'shop.put': 'Shop settings saved',
        'hours.put': 'Business hours saved',
        'greeting.put': 'Greeting settings saved',
        'spam.put': 'Spam rules saved',
        'alerts.put': 'Alert thresholds saved',
      },
      more: 'Load more',
      tryText: 'Customer message',
      tryPlaceholder: 'e.g. when will you ship?',
      tryLocale: 'Reply language',
      auto: 'Detect',
      vip: 'VIP customer',
      returning: 'Already greeted today',
      tryButton: 'Run it',
      decision: 'Bot decision',
      decisions: {
        template: 'Automatic reply',
        handoff: 'Hand-off to a person',
        greeting: 'Greeting only',
        none: 'No reply',
      },
      reasons: {
        confident: 'confident match',
        'handoff-keyword': 'hand-off keyword',
        smalltalk: 'small talk',
        ambiguous: 'two intents too close to call',
        'below-threshold': 'not sure enough',
        'no-match': 'no keyword matched',
        waiting: 'waiting for a person',
        'agent-assigned': 'an agent has the chat',
      },
      replies: 'Replies',
      kinds: {
        greeting: 'Greeting',
        template: 'Template reply',
        handoff: 'Hand-off notice',
        away: 'Away message',
        queue: 'Queue notice',
      },
      matchedIntent: 'Matched intent',
      score: 'Score',
      reason: 'Reason',
      rulesTitle: 'Rules that matched',
      ruleCols: ['Intent', 'Score', 'Coverage', 'Rule', 'Words matched', 'Vetoed by'],
      normalized: 'Normalised text',
      tokens: 'Tokens',
      corrections: 'Typos corrected',
      tierTitle: 'Tier',
      because: { current: 'current', intent: 'intent', default: 'default', vip: 'VIP' },
      routingTitle: 'If handed off, it would go to',
      nobody: 'Nobody can take it now (it would wait in the queue)',
      strategy: 'Strategy',
      verdicts: {
        chosen: 'gets the chat',
        next: 'next in line',
        eligible: 'eligible',
        'test-agent': 'test account',
        away: 'away',
        invisible: 'invisible',
        offline: 'offline',
        'not-in-group': 'not in the group',
        'outside-tier-window': 'level does not take this tier',
        'let-it-go-overdue': 'let this chat go overdue',
        'below-level': 'level too low',
        'cap-zero': 'cap is 0',
        'at-cap': 'at cap',
      },
      open: 'Open',
      closed: (at) => `Closed${at ? `; back ${at}` : ''}`,
      spam: 'Spam rules tripped',
      draftTitle: 'Draft: see what changes before you publish',
      csvLabel: 'Labelled file (CSV with header text,intent)',
      csvHint:
        'one customer message per line with the intent it should get; empty intent = the bot must not answer it',
      loadFile: 'Read a file',
      suggest: 'Suggest keywords',
      evaluate: 'Evaluate with the file',
      suggestionsTitle: 'Keyword suggestions',
      suggestionMeta: (s) =>
        `in ${s.support} lines, ${Math.round(s.precision * 100)}% precise, catches ${s.gain} new`,
      answeredNow: (a, n) => `answered right today: ${a}/${n}`,
      noSuggestions: 'No good suggestions.',
      unknownIntents: (l) => `The file names intents the configuration does not have: ${l}`,
      addToDraft: 'Add to draft',
      draftStatus: (n) => `The draft differs from the live version in ${n} place(s)`,
      compare: 'Compare with live',
      publishDraft: 'Publish the draft',
      discardDraft: 'Discard the draft',
      noDraft: 'No draft yet. Pick keyword suggestions above and add them to a draft.',
      draftInvalid: 'The draft has problems and cannot be published:',
      changesTitle: 'What changes for this message',
      noChanges: 'This message would be handled the same way.',
      changeNames: {
        intent: 'Intent',
        decision: 'Decision',
        replies: 'Replies',
        tier: 'Tier',
        agent: 'Goes to',
        score: 'Score',
      },
      liveCol: 'Live',
      draftCol: 'Draft',
      evalTitle: (n) => `Evaluation (${n} lines)`,
      metricNames: {
        precision: 'Precision of automatic answers',
        coverage: 'Coverage',
        falseAnswerRate: 'False-answer rate',
        answered: 'Answered automatically',
        correct: 'Answered right',
      },
      fixedBroken: (f, b) => `The draft fixes ${f} line(s) and breaks ${b}`,
      changedLines: 'Lines handled differently',
      lineCols: ['Line', 'Text', 'Expected', 'Live', 'Draft'],
      handoffShort: 'hand-off',
      errNetwork: 'Network problem; please try again.',
      errGeneric: 'Failed: ',
      loading: 'Loading…',
    },
  };
  const T = () => STR[lang];

  // ---------- tiny DOM helpers (text always via textContent) ----------
  const h = (tag, attrs, ...children) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v == null) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'value') el.value = v;
      else if (k === 'checked') el.checked = Boolean(v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c == null || c === false) continue;
      el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return el;
  };
  let uid = 0;
  /** A labelled field: <div class="field"><label>Label</label>control<span class="hint">…</span></div>. */
  const field = (label, control, hint, extraClass) => {
    if (!control.id) control.id = `f${++uid}`;
    return h(
      'div',
      { class: extraClass ? `field ${extraClass}` : 'field' },
      h('label', { for: control.id, text: label }),
      control,
      hint ? h('span', { class: 'hint', text: hint }) : null,
    );
  };
  const input = (attrs) => h('input', { type: 'text', ...attrs });
  const num = (value, attrs) => h('input', { type: 'number', value: value ?? '', ...attrs });
  const select = (options, value, attrs) =>
    h(
      'select',
      attrs || {},
      options.map(([v, label]) => {
        const o = h('option', { value: v, text: label });
        if (v === value) o.selected = true;
        return o;
      }),
    );
  const btn = (text, onclick, cls = 'btn', attrs = {}) =>
    h('button', { type: 'button', class: cls, text, onclick, ...attrs });
  const words = (s) =>
    String(s || '')
      .split(/[\n,，、;；]+/)
      .map((w) => w.trim())
      .filter(Boolean);
  const lines = (s) =>
    String(s || '')
      .split('\n')
      .map((w) => w.trim())
      .filter(Boolean);
  const when = (ms) => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
  const pct = (x) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);
  const json = (v) => (v === undefined ? '—' : JSON.stringify(v, null, 2));

  // ---------- state and API ----------
  const state = {
    token: sessionStorage.getItem(TOKEN_KEY),
    me: null,
    version: 0,
    doc: null,
    page: 'intents',
    selected: { intents: null, replies: null },
    versionView: null,
    draft: null,
    csv: '',
    suggestions: null,
    tryResult: null,
    tryInput: { text: '', locale: '', vip: false, returning: false },
    notice: null,
  };

  class ApiError extends Error {
    constructor(status, code, message, fields, currentVersion) {
      super(message);
      this.status = status;
      this.code = code;
      this.fields = fields || [];
      this.currentVersion = currentVersion;
    }
  }

  async function api(method, path, body) {
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'network', T().errNetwork);
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const e = data.error || {};
      if (res.status === 401 && path !== '/api/auth/login') {
        signOut();
      }
      throw new ApiError(
        res.status,
        e.code || 'error',
        e.message || `HTTP ${res.status}`,
        e.fields,
        e.currentVersion,
      );
    }
    return data;
  }

  async function loadConfig() {
    const r = await api('GET', '/api/admin/config');
    state.version = r.version;
    state.doc = r.document;
  }

  const root = document.getElementById('app');

  // ---------- notices ----------
  const noticeBox = h('div', { role: 'status', 'aria-live': 'polite' });

  function notice(kind, text, items, extra) {
    state.notice = { kind, text, items, extra };
    drawNotice();
  }
  function drawNotice() {
    const n = state.notice;
    noticeBox.replaceChildren();
    if (!n) return;
    const box = h(
      'div',
      { class: `notice ${n.kind}`, role: n.kind === 'error' ? 'alert' : null },
      h('span', { text: n.text }),
    );
    if (n.items?.length) {
      box.append(
        h(
          'ul',
          {},
          n.items.map((i) =>
            h('li', {}, i.path ? h('span', { class: 'path', text: `${i.path}: ` }) : null, i.message),
          ),
        ),
      );
    }
    if (n.extra) box.append(' ', n.extra);
    noticeBox.append(box);
  }
  function clearNotice() {
    state.notice = null;
    drawNotice();
    for (const el of document.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  }

  /** Shows an API failure: 409 offers a reload, 400/422 list every field and mark the inputs at fault. */
  function showError(e, pathMap) {
    if (!(e instanceof ApiError)) {
      notice('error', T().errGeneric + String(e?.message || e));
      return;
    }
    if (e.status === 409) {
      notice(
        'warn',
        T().stale(e.currentVersion ?? '?'),
        [],
        btn(T().reload, async () => {
          await loadConfig();
          clearNotice();
          render();
        }),
      );
      return;
    }
    const fields = (e.fields || []).map((f) => ({ ...f, path: pathMap ? pathMap(f.path) : f.path }));
    if (e.status === 400 || e.status === 422) notice('error', T().invalid, fields);
    else notice('error', T().errGeneric + e.message);
    for (const f of fields) {
      for (const el of document.querySelectorAll('[data-path]')) {
        const p = el.getAttribute('data-path');
        if (f.path === p || f.path.startsWith(`${p}.`)) el.setAttribute('aria-invalid', 'true');
      }
    }
  }

  /** Runs a publishing call; on success reloads the live configuration and shows the new version. */
  async function publishing(button, call, message, pathMap) {
    clearNotice();
    const label = button.textContent;
    button.disabled = true;
    button.textContent = T().publishing;
    try {
      const r = await call();
      await loadConfig();
      render();
      notice('ok', r.diff && r.diff.length === 0 ? T().noChange : message(r));
      return r;
    } catch (e) {
      showError(e, pathMap);
      return undefined;
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  }

  // ---------- login ----------
  function signOut() {
    state.token = null;
    state.me = null;
    sessionStorage.removeItem(TOKEN_KEY);
    showLogin();
  }

  function showLogin(message) {
    document.title = `${T().title} · FirstReply`;
    const login = input({ autocomplete: 'username', required: true });
    const password = h('input', { type: 'password', autocomplete: 'current-password', required: true });
    const error = h('div', { class: 'notice error', role: 'alert', hidden: !message, text: message || '' });
    const submit = h('button', { type: 'submit', class: 'btn primary', text: T().signIn });
    const form = h(
      'form',
      {
        class: 'login',
        async onsubmit(ev) {
          ev.preventDefault();
          submit.disabled = true;
          error.hidden = true;
          try {
            const r = await api('POST', '/api/auth/login', {
              login: login.value.trim(),
              password: password.value,
            });
            if (r.agent.role !== 'admin') {
              await fetch('/api/auth/logout', {
                method: 'POST',
                headers: { authorization: `Bearer ${r.token}` },
              }).catch(() => {});
              throw new ApiError(403, 'forbidden', T().notAdmin);
            }
            state.token = r.token;
            state.me = r.agent;
            sessionStorage.setItem(TOKEN_KEY, r.token);
            await start();
          } catch (e) {
            error.textContent = e.status === 401 ? T().badLogin : e.message;
            error.hidden = false;
            submit.disabled = false;
          }
        },
      },
      h('h1', { text: T().loginTitle }),
      h('p', { text: T().loginHint }),
      error,
      field(T().login, login),
      field(T().password, password),
      submit,
      h(
        'p',
        { style: 'margin:14px 0 0;text-align:center' },
        btn(T().switchLang, () => switchLang(() => showLogin()), 'link'),
      ),
    );
    root.replaceChildren(form);
    login.focus();
  }

  function switchLang(redraw) {
    lang = lang === 'zh' ? 'en' : 'zh';
    localStorage.setItem(LANG_KEY, lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    redraw();
  }

  async function start() {
    try {
      if (!state.me) {
        const me = await api('GET', '/api/me');
        if (me.agent.role !== 'admin') return showLogin(T().notAdmin);
        state.me = me.agent;
      }
      await loadConfig();
    } catch (e) {
      if (e.status === 401 || e.status === 403) return showLogin(e.status === 403 ? T().notAdmin : undefined);
      return showLogin(e.message);
    }
    const fromHash = location.hash.slice(1);
    if (STR.en.pages[fromHash]) state.page = fromHash;
    render();
  }

  // ---------- shell ----------
  function render() {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = `${T().pages[state.page]} · ${T().title} · FirstReply`;
    const logo = h('span', { class: 'brand' });
    logo.append(svgLogo(), h('span', { text: T().product }));
    const top = h(
      'header',
      { class: 'topbar' },
      logo,
      h('span', { class: 'badge accent', 'data-testid': 'live-version', text: T().live(state.version) }),
      h('span', { class: 'spacer' }),
      h('span', { class: 'me', text: `${state.me?.name ?? ''} · ${T().roles?.admin ?? 'admin'}` }),
      btn(T().switchLang, () => switchLang(render), 'btn small'),
      btn(
        T().logout,
        async () => {
          await api('POST', '/api/auth/logout').catch(() => {});
          signOut();
        },
        'btn small',
      ),
    );
    const nav = h(
      'nav',
      { class: 'side', 'aria-label': T().title },
      Object.keys(STR.en.pages).map((p) =>
        btn(T().pages[p], () => go(p), '', { 'aria-current': state.page === p ? 'page' : null }),
      ),
    );
    const main = h(
      'main',
      {},
      h('h2', { text: T().pages[state.page] }),
      h('p', { class: 'intro', text: T().intros[state.page] }),
      noticeBox,
    );
    const body = PAGES[state.page]();
    main.append(body);
    root.replaceChildren(top, h('div', { class: 'shell' }, nav, main));
    drawNotice();
  }

  /** Shows a page with the newest live configuration (another admin may have published meanwhile). */
  async function go(page) {
    if (state.page !== page) clearNotice();
    state.page = page;
    history.replaceState(null, '', `#${page}`);
    try {
      await loadConfig();
    } catch (e) {
      showError(e);
    }
    render();
  }

  function svgLogo() {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', '28');
    svg.setAttribute('height', '28');
    svg.setAttribute('viewBox', '0 0 32 32');
    svg.setAttribute('aria-hidden', 'true');
    const rect = document.createElementNS(ns, 'rect');
    for (const [k, v] of Object.entries({ width: 32, height: 32, rx: 8, fill: '#ff5000' }))
      rect.setAttribute(k, String(v));
    const path = document.createElementNS(ns, 'path');
    for (const [k, v] of Object.entries({
      d: 'M9 22V10h10M9 16h8',
      stroke: '#fff',
      'stroke-width': 3,
      fill: 'none',
      'stroke-linecap': 'round',
    })) {
      path.setAttribute(k, String(v));
    }
    svg.append(rect, path);
    return svg;
  }

  /** Left list + editor, for intents and replies. */
  function listPage(kind) {
    const items = kind === 'intents' ? state.doc.intents : state.doc.replies;
    const filter = input({ 'aria-label': T().search, placeholder: T().search });
    const ul = h('ul', { 'aria-label': T().pages[kind] });
    const draw = () => {
      const q = filter.value.trim().toLowerCase();
      ul.replaceChildren(
        ...items
          .filter(
            (x) =>
              !q ||
              x.id.includes(q) ||
              (x.description || '').toLowerCase().includes(q) ||
              JSON.stringify(x).toLowerCase().includes(q),
          )
          .map((x) =>
            h(
              'li',
              {},
              h(
                'button',
                {
                  type: 'button',
                  'aria-current': state.selected[kind] === x.id ? 'true' : 'false',
                  onclick: () => {
                    state.selected[kind] = x.id;
                    clearNotice();
                    render();
                  },
                },
                h('span', { class: 'id', text: x.id }),
                h('span', { class: 'sub', text: x.description || summaryOf(kind, x) }),
              ),
            ),
          ),
      );
    };
    filter.addEventListener('input', draw);
    draw();
    const isNew = state.selected[kind] === '';
    const current = items.find((x) => x.id === state.selected[kind]);
    const editor =
      current || isNew
        ? kind === 'intents'
          ? intentEditor(current)
          : replyEditor(current)
        : h('div', { class: 'card' }, h('p', { text: kind === 'intents' ? T().pickIntent : T().pickReply }));
    return h(
      'div',
      { class: 'split' },
      h(
        'div',
        { class: 'list' },
        h('div', { class: 'filter' }, filter),
        ul,
        h(
          'div',
          { class: 'new' },
          btn(kind === 'intents' ? T().newIntent : T().newReply, () => {
            state.selected[kind] = '';
            clearNotice();
            render();
          }),
        ),
      ),
      editor,
    );
  }

  function summaryOf(kind, x) {
    if (kind === 'intents') return (x.rules[0]?.any || x.rules[0]?.all?.flat() || []).slice(0, 4).join('、');
    const first = Object.values(x.text)[0];
    return first ? first[0] : '';
  }

  /** Delete with an inline confirmation (no browser dialogs). */
  function deleteButton(onConfirm) {
    const wrap = h('span', { class: 'actions', style: 'margin:0' });
    const ask = btn(
      T().delete,
      () => {
        wrap.replaceChildren(
          btn(T().confirmDelete, (ev) => onConfirm(ev.currentTarget), 'btn danger'),
          btn(T().cancel, () => wrap.replaceChildren(ask)),
        );
      },
      'btn danger',
    );
    wrap.append(ask);
    return wrap;
  }

  // ---------- intents ----------
  function intentEditor(intent) {
    const isNew = !intent;
    const it = intent
      ? structuredClone(intent)
      : {
          id: '',
          action: 'reply',
          smalltalk: false,
          priority: 50,
          tier: 'general',
          rules: [{ any: [], weight: 1 }],
          examples: [],
        };
    const base = (rest) =>
      (isNew ? `intents.${it.id || 'new'}` : `intents.${intent.id}`) + (rest ? `.${rest}` : '');
    const tiers = state.doc.routing.tiers.map((t) => t.id);
    const groups = Object.keys(state.doc.routing.groups);
    const id = input({
      value: it.id,
      readonly: !isNew,
      'data-path': base('id'),
      pattern: '[a-z0-9][a-z0-9-]*',
    });
    const description = input({ value: it.description || '', 'data-path': base('description') });
    const action = select(Object.entries(T().actions), it.action, { 'data-path': base('action') });
    const reply = select(
      [['', T().sameAsId], ...state.doc.replies.map((r) => [r.id, r.id])],
      it.reply || '',
      { 'data-path': base('reply') },
    );
    const priority = num(it.priority, { min: 0, max: 100, 'data-path': base('priority') });
    const tier = select(
      tiers.map((x) => [x, x]),
      it.tier,
      { 'data-path': base('tier') },
    );
    const group = select([['', T().defaultGroup], ...groups.map((g) => [g, g])], it.group || '', {
      'data-path': base('group'),
    });
    const smalltalk = h('input', { type: 'checkbox', checked: it.smalltalk, 'data-path': base('smalltalk') });
    const veto = h('textarea', { rows: 2, 'data-path': base('none'), value: (it.none || []).join('\n') });
    const examples = h('textarea', {
      rows: 4,
      'data-path': base('examples'),
      value: (it.examples || []).join('\n'),
    });
    const rulesBox = h('div');
    const ruleForms = [];
    const drawRules = () => {
      rulesBox.replaceChildren(
        ...ruleForms.map((rf, i) =>
          h(
            'div',
            { class: 'rule', 'data-path': base(`rules.${i}`) },
            h(
              'header',
              {},
              h('span', { text: T().rule(i + 1) }),
              btn(
                T().removeRule,
                () => {
                  ruleForms.splice(i, 1);
                  drawRules();
                },
                'btn small danger',
                { disabled: ruleForms.length === 1 },
              ),
            ),
            field(T().any, rf.any, T().anyHint),
            field(T().all, rf.all, T().allHint),
            h('div', { class: 'row' }, field(T().none, rf.none), field(T().weight, rf.weight)),
          ),
        ),
      );
    };
    const ruleForm = (r, i) => {
      const any = h('textarea', {
        rows: Math.min(10, Math.max(3, (r.any || []).length)),
        value: (r.any || []).join('\n'),
      });
      const all = h('textarea', { rows: 2, value: (r.all || []).map((g) => g.join(', ')).join('\n') });
      const none = input({ value: (r.none || []).join(', ') });
      const weight = num(r.weight ?? 1, { min: 0.1, max: 1, step: 0.05 });
      any.setAttribute('data-path', base(`rules.${i}.any`));
      all.setAttribute('data-path', base(`rules.${i}.all`));
      return { any, all, none, weight };
    };
    it.rules.forEach((r, i) => {
      ruleForms.push(ruleForm(r, i));
    });
    drawRules();

    const collect = () => {
      const out = {
        id: id.value.trim(),
        ...(description.value.trim() ? { description: description.value.trim() } : {}),
        action: action.value,
        ...(reply.value ? { reply: reply.value } : {}),
        smalltalk: smalltalk.checked,
        priority: Number(priority.value),
        tier: tier.value,
        ...(group.value ? { group: group.value } : {}),
        ...(words(veto.value).length ? { none: words(veto.value) } : {}),
        rules: ruleForms.map((rf) => {
          const any = words(rf.any.value);
          const all = lines(rf.all.value)
            .map(words)
            .filter((g) => g.length);
          const none = words(rf.none.value);
          return {
            ...(any.length ? { any } : {}),
            ...(all.length ? { all } : {}),
            ...(none.length ? { none } : {}),
            weight: Number(rf.weight.value),
          };
        }),
        examples: lines(examples.value),
      };
      return out;
    };
    const save = btn(
      T().publish,
      async () => {
        const body = { baseVersion: state.version, intent: collect() };
        const target = body.intent.id || 'new';
        await publishing(
          save,
          () => api('PUT', `/api/admin/intents/${encodeURIComponent(target)}`, body),
          (r) => {
            state.selected.intents = body.intent.id;
            return T().published(r.version);
          },
          (p) => p.replace(/^intent\b/, `intents.${target}`).replace(/^id$/, `intents.${target}.id`),
        );
      },
      'btn primary',
    );
    return h(
      'section',
      { class: 'card', 'aria-label': it.id || T().newIntent },
      h(
        'div',
        { class: 'row' },
        field(T().id, id, isNew ? T().idHint : null),
        field(T().description, description, null, 'grow'),
      ),
      h(
        'div',
        { class: 'row' },
        field(T().action, action),
        field(T().replyTemplate, reply),
        field(T().priority, priority),
        field(T().tier, tier),
        field(T().group, group),
      ),
      h('p', { class: 'hint', text: T().priorityHint }),
      h('label', { class: 'check' }, smalltalk, h('span', { text: T().smalltalk })),
      h('h3', { text: T().rules }),
      rulesBox,
      btn(
        T().addRule,
        () => {
          ruleForms.push(ruleForm({ any: [], weight: 1 }, ruleForms.length));
          drawRules();
        },
        'btn small',
      ),
      h('h3', { text: T().more2 }),
      field(T().veto, veto, T().vetoHint),
      field(T().examples, examples, T().examplesHint),
      h(
        'div',
        { class: 'actions' },
        save,
        isNew
          ? null
          : deleteButton((b) =>
              publishing(
                b,
                () =>
                  api(
                    'DELETE',
                    `/api/admin/intents/${encodeURIComponent(intent.id)}?baseVersion=${state.version}`,
                  ),
                (r) => {
                  state.selected.intents = null;
                  return T().deleted(r.version);
                },
              ),
            ),
      ),
    );
  }

  // ---------- replies ----------
  const VARIABLES = ['shop', 'customer', 'agent', 'queuePosition', 'waitMinutes', 'backAt', 'hours'];

  function replyEditor(reply) {
    const isNew = !reply;
    const r = reply ? structuredClone(reply) : { id: '', text: { zh: [''], en: [''] } };
    const base = (rest) => `replies.${isNew ? r.id || 'new' : reply.id}${rest ? `.${rest}` : ''}`;
    const id = input({ value: r.id, readonly: !isNew, 'data-path': base('id') });
    const description = input({ value: r.description || '', 'data-path': base('description') });
    let lastFocused = null;
    const locales = Object.keys(r.text);
    const variantAreas = {};
    const quick = {};
    const localesBox = h('div');
    const drawLocales = () => {
      localesBox.replaceChildren(
        ...locales.map((loc) => {
          variantAreas[loc] ??= (r.text[loc] || ['']).map((v) => h('textarea', { rows: 3, value: v }));
          quick[loc] ??= input({
            value: (r.quickReplies?.[loc] || []).join(', '),
            'data-path': base(`quickReplies.${loc}`),
          });
          const areas = variantAreas[loc];
          return h(
            'div',
            { class: 'rule' },
            h('header', {}, h('span', { text: T().locale(loc) })),
            ...areas.map((ta, i) => {
              ta.setAttribute('aria-label', T().variant(T().locale(loc), i + 1));
              ta.setAttribute('data-path', base(`text.${loc}.${i}`));
              ta.onfocus = () => {
                lastFocused = ta;
              };
              return h(
                'div',
                { class: 'variant' },
                ta,
                btn(
                  '✕',
                  () => {
                    areas.splice(i, 1);
                    drawLocales();
                  },
                  'btn small danger',
                  { 'aria-label': `${T().removeVariant} ${i + 1}`, disabled: areas.length === 1 },
                ),
              );
            }),
            btn(
              T().addVariant,
              () => {
                areas.push(h('textarea', { rows: 3 }));
                drawLocales();
              },
              'btn small',
            ),
            field(T().quickReplies, quick[loc], T().quickHint),
          );
        }),
      );
    };
    drawLocales();
    const newLocale = input({ placeholder: T().localeCode, 'aria-label': T().localeCode, size: 22 });
    const vars = h(
      'div',
      { class: 'vars' },
      h('span', { text: T().variables }),
      VARIABLES.map((v) =>
        btn(
          `{{${v}}} ${T().varNames[v]}`,
          () => {
            const ta = lastFocused || variantAreas[locales[0]]?.[0];
            if (!ta) return;
            const at = ta.selectionStart ?? ta.value.length;
            ta.value = `${ta.value.slice(0, at)}{{${v}}}${ta.value.slice(ta.selectionEnd ?? at)}`;
            ta.focus();
          },
          'btn small',
        ),
      ),
    );
    const collect = () => {
      const text = {};
      const quickReplies = {};
      for (const loc of locales) {
        text[loc] = variantAreas[loc].map((ta) => ta.value.trim()).filter(Boolean);
        const q = words(quick[loc].value);
        if (q.length) quickReplies[loc] = q;
      }
      return {
        id: id.value.trim(),
        ...(description.value.trim() ? { description: description.value.trim() } : {}),
        text,
        ...(Object.keys(quickReplies).length ? { quickReplies } : {}),
      };
    };
    const save = btn(
      T().publish,
      async () => {
        const body = { baseVersion: state.version, reply: collect() };
        const target = body.reply.id || 'new';
        await publishing(
          save,
          () => api('PUT', `/api/admin/replies/${encodeURIComponent(target)}`, body),
          (res) => {
            state.selected.replies = body.reply.id;
            return T().published(res.version);
          },
          (p) => p.replace(/^reply\b/, `replies.${target}`),
        );
      },
      'btn primary',
    );
    return h(
      'section',
      { class: 'card', 'aria-label': r.id || T().newReply },
      h(
        'div',
        { class: 'row' },
        field(T().id, id, isNew ? T().idHint : null),
        field(T().description, description, null, 'grow'),
      ),
      vars,
      localesBox,
      h(
        'div',
        { class: 'row' },
        newLocale,
        btn(
          T().addLocale,
          () => {
            const loc = newLocale.value.trim();
            if (!/^[a-z]{2}(-[A-Za-z]{2,4})?$/.test(loc) || locales.includes(loc)) return;
            locales.push(loc);
            drawLocales();
          },
          'btn small',
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        save,
        isNew
          ? null
          : deleteButton((b) =>
              publishing(
                b,
                () =>
                  api(
                    'DELETE',
                    `/api/admin/replies/${encodeURIComponent(reply.id)}?baseVersion=${state.version}`,
                  ),
                (res) => {
                  state.selected.replies = null;
                  return T().deleted(res.version);
                },
              ),
            ),
      ),
    );
  }

  // ---------- tiers and routing ----------
  function routingPage() {
    const routing = state.doc.routing;
    const tierRow = (t, isNew) => {
      const base = (k) => `routing.tiers.${t.id || 'new'}.${k}`;
      const id = input({
        value: t.id,
        readonly: !isNew,
        size: 10,
        'aria-label': T().tierCols[0],
        'data-path': base('id'),
      });
      const f = (k, attrs) => num(t[k], { 'aria-label': `${t.id} ${k}`, 'data-path': base(k), ...attrs });
      const rank = f('rank', { min: 0, max: 100 });
      const first = f('firstReplySeconds', { min: 1 });
      const replyS = f('replySeconds', { min: 1 });
      const overdue = f('overdueAfterSeconds', { min: 1 });
      const transfer = f('transferAfterSeconds', { min: 1 });
      const target = num(t.complianceTarget == null ? '' : Math.round(t.complianceTarget * 100), {
        min: 0,
        max: 100,
        'aria-label': `${t.id} complianceTarget`,
        'data-path': base('complianceTarget'),
      });
      const boost = f('queueBoostSeconds', { min: 0 });
      const save = btn(
        T().save,
        async () => {
          const tier = {
            id: id.value.trim(),
            rank: Number(rank.value),
            firstReplySeconds: Number(first.value),
            replySeconds: Number(replyS.value),
            overdueAfterSeconds: Number(overdue.value),
            transferAfterSeconds: Number(transfer.value),
            complianceTarget: Number(target.value) / 100,
            queueBoostSeconds: Number(boost.value || 0),
          };
          await publishing(
            save,
            () =>
              api('PUT', `/api/admin/tiers/${encodeURIComponent(tier.id || 'new')}`, {
                baseVersion: state.version,
                tier,
              }),
            (r) => T().published(r.version),
            (p) => p.replace(/^tier\b/, `routing.tiers.${tier.id || 'new'}`),
          );
        },
        'btn small primary',
      );
      return h(
        'tr',
        {},
        [id, rank, first, replyS, overdue, transfer, target, boost].map((c) => h('td', {}, c)),
        h(
          'td',
          {},
          h(
            'span',
            { class: 'actions', style: 'margin:0' },
            save,
            isNew
              ? null
              : deleteButton((b) =>
                  publishing(
                    b,
                    () =>
                      api(
                        'DELETE',
                        `/api/admin/tiers/${encodeURIComponent(t.id)}?baseVersion=${state.version}`,
                      ),
                    (r) => T().deleted(r.version),
                  ),
                ),
          ),
        ),
      );
    };
    const tiersBody = h(
      'tbody',
      {},
      routing.tiers.map((t) => tierRow(t, false)),
    );
    const tiersCard = h(
      'section',
      { class: 'card' },
      h('h3', { text: T().tiers, style: 'margin-top:0' }),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              T().tierCols.map((c) => h('th', { text: c })),
            ),
          ),
          tiersBody,
        ),
      ),
      h(
        'div',
        { class: 'actions' },
        btn(
          T().addTier,
          (ev) => {
            tiersBody.append(
              tierRow(
                {
                  id: '',
                  rank: 1,
                  firstReplySeconds: 300,
                  replySeconds: 300,
                  overdueAfterSeconds: 300,
                  transferAfterSeconds: 600,
                  complianceTarget: 0.8,
                  queueBoostSeconds: 0,
                },
                true,
              ),
            );
            ev.currentTarget.disabled = true;
          },
          'btn small',
        ),
      ),
    );

    const groupRow = (gid, g, isNew) => {
      const id = input({
        value: gid,
        readonly: !isNew,
        size: 12,
        'aria-label': T().groupId,
        'data-path': `routing.groups.${gid || 'new'}`,
      });
      const strategy = select(Object.entries(T().strategies), g.strategy, {
        'aria-label': `${gid} ${T().groupCols[1]}`,
      });
      const sticky = h('input', {
        type: 'checkbox',
        checked: g.sticky,
        'aria-label': `${gid} ${T().groupCols[2]}`,
      });
      const save = btn(
        T().save,
        async () => {
          const target = id.value.trim();
          await publishing(
            save,
            () =>
              api('PUT', `/api/admin/groups/${encodeURIComponent(target || 'new')}`, {
                baseVersion: state.version,
                group: { strategy: strategy.value, sticky: sticky.checked },
              }),
            (r) => T().published(r.version),
            (p) =>
              p
                .replace(/^group\b/, `routing.groups.${target}`)
                .replace(/^id$/, `routing.groups.${target || 'new'}`),
          );
        },
        'btn small primary',
      );
      return h(
        'tr',
        {},
        h('td', {}, id),
        h('td', {}, strategy),
        h('td', {}, sticky),
        h(
          'td',
          {},
          h(
            'span',
            { class: 'actions', style: 'margin:0' },
            save,
            isNew
              ? null
              : deleteButton((b) =>
                  publishing(
                    b,
                    () =>
                      api(
                        'DELETE',
                        `/api/admin/groups/${encodeURIComponent(gid)}?baseVersion=${state.version}`,
                      ),
                    (r) => T().deleted(r.version),
                  ),
                ),
          ),
        ),
      );
    };
    const groupsBody = h(
      'tbody',
      {},
      Object.entries(routing.groups).map(([gid, g]) => groupRow(gid, g, false)),
    );
    const groupsCard = h(
      'section',
      { class: 'card' },
      h('h3', { text: T().groups, style: 'margin-top:0' }),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            T().groupCols.map((c) => h('th', { text: c })),
          ),
        ),
        groupsBody,
      ),
      h(
        'div',
        { class: 'actions' },
        btn(
          T().addGroup,
          (ev) => {
            groupsBody.append(groupRow('', { strategy: 'skilled-first', sticky: true }, true));
            ev.currentTarget.disabled = true;
          },
          'btn small',
        ),
      ),
    );

    // Levels and the other rules are saved together as the whole routing section.
    const levelInputs = {};
    const levelRows = Object.keys(STR.en.levelNames).map((lvl) => {
      const p = routing.levels[lvl];
      const cap = num(p.cap, {
        min: 0,
        max: 200,
        'aria-label': `${T().levelNames[lvl]} ${T().levelCols[1]}`,
        'data-path': `routing.levels.${lvl}.cap`,
      });
      const boxes = routing.tiers.map((t) => {
        const cb = h('input', { type: 'checkbox', checked: p.tiers.includes(t.id), value: t.id });
        return {
          cb,
          label: h('label', { class: 'check', style: 'margin-right:10px' }, cb, h('span', { text: t.id })),
        };
      });
      levelInputs[lvl] = { cap, boxes };
      return h(
        'tr',
        {},
        h('td', { text: T().levelNames[lvl] }),
        h('td', {}, cap),
        h(
          'td',
          { 'data-path': `routing.levels.${lvl}.tiers` },
          boxes.map((b) => b.label),
        ),
      );
    });
    const tierOptions = routing.tiers.map((t) => [t.id, t.id]);
    const defaultGroup = select(
      Object.keys(routing.groups).map((g) => [g, g]),
      routing.defaultGroup,
      { 'data-path': 'routing.defaultGroup' },
    );
    const escalationTier = select(tierOptions, routing.escalationTier, {
      'data-path': 'routing.escalationTier',
    });
    const vipTier = select(tierOptions, routing.vipTier, { 'data-path': 'routing.vipTier' });
    const escalationKeywords = h('textarea', {
      rows: 2,
      value: routing.escalationKeywords.join(', '),
      'data-path': 'routing.escalationKeywords',
    });
    const maxHops = num(routing.maxTransferHops, { min: 0, max: 10, 'data-path': 'routing.maxTransferHops' });
    const onHold = num(routing.onHoldAfterSeconds, { min: 1, 'data-path': 'routing.onHoldAfterSeconds' });
    const awayAfter = num(routing.awayAfterOverdueInRow, {
      min: 0,
      max: 100,
      'data-path': 'routing.awayAfterOverdueInRow',
    });
    const grace = num(routing.disconnectGraceSeconds, {
      min: 1,
      'data-path': 'routing.disconnectGraceSeconds',
    });
    const saveRouting = btn(
      T().saveRouting,
      async () => {
        const next = structuredClone(routing);
        for (const [lvl, { cap, boxes }] of Object.entries(levelInputs)) {
          next.levels[lvl] = {
            cap: Number(cap.value),
            tiers: boxes.filter((b) => b.cb.checked).map((b) => b.cb.value),
          };
        }
        Object.assign(next, {
          defaultGroup: defaultGroup.value,
          escalationTier: escalationTier.value,
          vipTier: vipTier.value,
          escalationKeywords: words(escalationKeywords.value),
          maxTransferHops: Number(maxHops.value),
          onHoldAfterSeconds: Number(onHold.value),
          awayAfterOverdueInRow: Number(awayAfter.value),
          disconnectGraceSeconds: Number(grace.value),
        });
        await publishing(
          saveRouting,
          () => api('PUT', '/api/admin/routing', { baseVersion: state.version, routing: next }),
          (r) => T().published(r.version),
        );
      },
      'btn primary',
    );
    const levelsCard = h(
      'section',
      { class: 'card' },
      h('h3', { text: T().levels, style: 'margin-top:0' }),
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            T().levelCols.map((c) => h('th', { text: c })),
          ),
        ),
        h('tbody', {}, levelRows),
      ),
      h('h3', { text: T().otherRules }),
      h(
        'div',
        { class: 'row' },
        field(T().defaultGroupLabel, defaultGroup),
        field(T().escalationTier, escalationTier),
        field(T().vipTier, vipTier),
      ),
      field(T().escalationKeywords, escalationKeywords, T().escalationHint),
      h(
        'div',
        { class: 'row' },
        field(T().maxHops, maxHops),
        field(T().onHold, onHold),
        field(T().awayAfter, awayAfter),
        field(T().grace, grace),
      ),
      h('div', { class: 'actions' }, saveRouting),
    );
    return h('div', {}, tiersCard, groupsCard, levelsCard);
  }

  // ---------- agents (served by the workspace API) ----------
  function agentsPage() {
    const box = h('div', {}, h('p', { text: T().loading }));
    const levels = Object.keys(STR.en.levelNames);
    const draw = (agents) => {
      const rows = agents.map((a) => {
        const level = select(
          levels.map((l) => [l, T().levelNames[l]]),
          a.level,
          { 'aria-label': `${a.login} ${T().level}` },
        );
        const rank = num(a.rank, { min: 0, 'aria-label': `${a.login} ${T().rank}` });
        const cap = num(a.cap, {
          min: 0,
          max: 200,
          'aria-label': `${a.login} ${T().cap}`,
          'data-path': `agent.${a.id}.cap`,
        });
        const groups = input({
          value: a.groups.join(', '),
          size: 12,
          'aria-label': `${a.login} ${T().groupsField}`,
        });
        const test = h('input', {
          type: 'checkbox',
          checked: a.test,
          'aria-label': `${a.login} ${T().testAgent}`,
        });
        const status = select(Object.entries(T().statuses), a.status, {
          'aria-label': `${a.login} ${T().forceStatus}`,
        });
        status.addEventListener('change', async () => {
          clearNotice();
          try {
            await api('PUT', `/api/agents/${encodeURIComponent(a.id)}/status`, { status: status.value });
            notice('ok', T().statusSet);
          } catch (e) {
            showError(e);
          }
        });
        const save = btn(
          T().save,
          async () => {
            clearNotice();
            try {
              await api('PATCH', `/api/agents/${encodeURIComponent(a.id)}`, {
                level: level.value,
                rank: Number(rank.value),
                cap: Number(cap.value),
                groups: words(groups.value),
                test: test.checked,
              });
              notice('ok', T().agentSaved);
            } catch (e) {
              showError(e, (p) => `agent.${a.id}.${p}`);
            }
          },
          'btn small primary',
        );
        const reset = btn(
          T().resetPassword,
          () => {
            const pw = h('input', {
              type: 'password',
              'aria-label': `${a.login} ${T().newPassword}`,
              placeholder: T().newPassword,
              autocomplete: 'new-password',
            });
            const ok = btn(
              T().save,
              async () => {
                clearNotice();
                try {
                  await api('PATCH', `/api/agents/${encodeURIComponent(a.id)}`, { password: pw.value });
                  notice('ok', T().passwordReset);
                  cell.replaceChildren(save, reset);
                } catch (e) {
                  showError(e);
                }
              },
              'btn small primary',
            );
            cell.replaceChildren(
              pw,
              ok,
              btn(T().cancel, () => cell.replaceChildren(save, reset), 'btn small'),
            );
            pw.focus();
          },
          'btn small',
        );
        const cell = h('span', { class: 'actions', style: 'margin:0' }, save, reset);
        return h(
          'tr',
          {},
          h('td', { text: a.name }),
          h('td', { class: 'mono', text: a.login }),
          h('td', { text: T().roles[a.role] }),
          h('td', {}, level),
          h('td', {}, rank),
          h('td', {}, cap),
          h('td', {}, groups),
          h('td', {}, test),
          h('td', {}, status),
          h('td', {}, cell),
        );
      });
      const login = input({ autocomplete: 'off', 'data-path': 'new.login' });
      const name = input({ 'data-path': 'new.name' });
      const password = h('input', {
        type: 'password',
        autocomplete: 'new-password',
        'data-path': 'new.password',
      });
      const role = select(Object.entries(T().roles), 'agent');
      const level = select(
        levels.map((l) => [l, T().levelNames[l]]),
        'trainee',
      );
      const rank = num(100, { min: 0 });
      const cap = num('', { min: 0, max: 200, 'data-path': 'new.cap' });
      const groups = input({ 'data-path': 'new.groups' });
      const test = h('input', { type: 'checkbox' });
      const create = btn(
        T().create,
        async () => {
          clearNotice();
          try {
            const r = await api('POST', '/api/agents', {
              login: login.value.trim(),
              name: name.value.trim(),
              password: password.value,
              role: role.value,
              level: level.value,
              rank: Number(rank.value),
              ...(cap.value !== '' ? { cap: Number(cap.value) } : {}),
              groups: words(groups.value),
              test: test.checked,
            });
            await load();
            notice('ok', T().agentCreated(r.agent.login));
          } catch (e) {
            showError(e, (p) => `new.${p}`);
          }
        },
        'btn primary',
      );
      box.replaceChildren(
        h(
          'section',
          { class: 'card' },
          h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { 'aria-label': T().agentsTitle },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  T().agentCols.map((c) => h('th', { text: c })),
                ),
              ),
              h('tbody', {}, rows),
            ),
          ),
        ),
        h(
          'section',
          { class: 'card' },
          h('h3', { text: T().createAgent, style: 'margin-top:0' }),
          h(
            'div',
            { class: 'row' },
            field(T().login, login),
            field(T().name, name),
            field(T().password, password),
            field(T().role, role),
            field(T().level, level),
          ),
          h(
            'div',
            { class: 'row', style: 'margin-top:12px' },
            field(T().rank, rank),
            field(T().cap, cap, T().capHint),
            field(T().groupsField, groups),
          ),
          h('label', { class: 'check', style: 'margin-top:12px' }, test, h('span', { text: T().testAgent })),
          h('div', { class: 'actions' }, create),
        ),
      );
    };
    const load = async () => {
      try {
        draw((await api('GET', '/api/agents')).agents);
      } catch (e) {
        showError(e);
      }
    };
    void load();
    return box;
  }

  // ---------- hours and settings ----------
  function hoursPage() {
    const shop = state.doc.shop;
    const cal = shop.calendar;
    const tz = input({ value: cal.timezone, size: 28, 'data-path': 'shop.calendar.timezone' });
    const dayInputs = {};
    const dayRows = Object.keys(STR.en.days).map((d) => {
      dayInputs[d] = input({
        value: cal.weekly[d].join(', '),
        size: 30,
        'aria-label': `${T().days[d]} ${T().ranges}`,
        'data-path': `shop.calendar.weekly.${d}`,
      });
      return h('tr', {}, h('td', { text: T().days[d] }), h('td', {}, dayInputs[d]));
    });
    const holidayInputs = cal.holidays.map((d) => h('input', { type: 'date', value: d }));
    const holidaysBox = h('div', { class: 'chips', 'data-path': 'shop.calendar.holidays' });
    const drawHolidays = () =>
      holidaysBox.replaceChildren(
        ...holidayInputs.map((inp, i) =>
          h(
            'span',
            { class: 'row', style: 'gap:4px' },
            inp,
            btn(
              '✕',
              () => {
                holidayInputs.splice(i, 1);
                drawHolidays();
              },
              'btn small danger',
              { 'aria-label': `${T().delete} ${inp.value}` },
            ),
          ),
        ),
      );
    drawHolidays();
    const exceptionRows = cal.exceptions.map((e) => ({
      date: h('input', { type: 'date', value: e.date }),
      ranges: input({ value: e.ranges.join(', '), size: 24 }),
    }));
    const exceptionsBox = h('div', { 'data-path': 'shop.calendar.exceptions' });
    const drawExceptions = () =>
      exceptionsBox.replaceChildren(
        ...exceptionRows.map((x, i) =>
          h(
            'div',
            { class: 'row', style: 'margin-bottom:6px' },
            x.date,
            x.ranges,
            btn(
              '✕',
              () => {
                exceptionRows.splice(i, 1);
                drawExceptions();
              },
              'btn small danger',
              { 'aria-label': `${T().delete} ${x.date.value}` },
            ),
          ),
        ),
      );
    drawExceptions();
    const saveHours = btn(
      T().saveHours,
      async () => {
        const weekly = {};
        for (const d of Object.keys(dayInputs)) weekly[d] = words(dayInputs[d].value);
        const calendar = {
          timezone: tz.value.trim(),
          weekly,
          holidays: holidayInputs.map((i) => i.value).filter(Boolean),
          exceptions: exceptionRows
            .filter((x) => x.date.value)
            .map((x) => ({ date: x.date.value, ranges: words(x.ranges.value) })),
        };
        await publishing(
          saveHours,
          () => api('PUT', '/api/admin/hours', { baseVersion: state.version, calendar }),
          (r) => T().published(r.version),
          (p) => p.replace(/^calendar\b/, 'shop.calendar'),
        );
      },
      'btn primary',
    );

    const enabled = h('input', { type: 'checkbox', checked: shop.greeting.enabled });
    const quiet = num(shop.greeting.quietAfterActivityMinutes, {
      min: 0,
      'data-path': 'shop.greeting.quietAfterActivityMinutes',
    });
    const awayQuiet = num(shop.away.quietAfterAgentMinutes, {
      min: 0,
      'data-path': 'shop.away.quietAfterAgentMinutes',
    });
    const notice = num(shop.handoffNoticeMinutes, { min: 0, 'data-path': 'shop.handoffNoticeMinutes' });
    const saveGreeting = btn(
      T().saveGreeting,
      async () => {
        await publishing(
          saveGreeting,
          () =>
            api('PUT', '/api/admin/greeting', {
              baseVersion: state.version,
              greeting: { enabled: enabled.checked, quietAfterActivityMinutes: Number(quiet.value) },
              away: { quietAfterAgentMinutes: Number(awayQuiet.value) },
              handoffNoticeMinutes: Number(notice.value),
            }),
          (r) => T().published(r.version),
          (p) => `shop.${p}`,
        );
      },
      'btn primary',
    );

    const spamKeywords = h('textarea', {
      rows: 3,
      value: shop.spam.keywords.join('\n'),
      'data-path': 'shop.spam.keywords',
    });
    const spamPatterns = h('textarea', {
      rows: 3,
      class: 'mono',
      value: shop.spam.patterns.join('\n'),
      'data-path': 'shop.spam.patterns',
    });
    const maxLinks = num(shop.spam.maxLinks, { min: 0, max: 50, 'data-path': 'shop.spam.maxLinks' });
    const saveSpam = btn(
      T().saveSpam,
      async () => {
        await publishing(
          saveSpam,
          () =>
            api('PUT', '/api/admin/spam', {
              baseVersion: state.version,
              spam: {
                keywords: lines(spamKeywords.value),
                patterns: lines(spamPatterns.value),
                maxLinks: Number(maxLinks.value),
              },
            }),
          (r) => T().published(r.version),
          (p) => `shop.${p}`,
        );
      },
      'btn primary',
    );

    const a = shop.alerts;
    const alertFirst = num(a.firstResponseSeconds, {
      min: 0,
      'data-path': 'shop.alerts.firstResponseSeconds',
    });
    const alertWindow = num(a.windowMinutes, { min: 1, 'data-path': 'shop.alerts.windowMinutes' });
    const alertQueue = num(a.queueLength, { min: 0, 'data-path': 'shop.alerts.queueLength' });
    const alertOverdue = num(a.overdueChats, { min: 0, 'data-path': 'shop.alerts.overdueChats' });
    const saveAlerts = btn(
      T().saveAlerts,
      async () => {
        const alerts = {
          firstResponseSeconds: Number(alertFirst.value),
          windowMinutes: Number(alertWindow.value),
          queueLength: Number(alertQueue.value),
          overdueChats: Number(alertOverdue.value),
        };
        await publishing(
          saveAlerts,
          () => api('PUT', '/api/admin/alerts', { baseVersion: state.version, alerts }),
          (r) => T().published(r.version),
          (p) => `shop.${p}`,
        );
      },
      'btn primary',
    );

    return h(
      'div',
      {},
      h(
        'section',
        { class: 'card' },
        h('h3', { text: T().hoursTitle, style: 'margin-top:0' }),
        field(T().timezone, tz),
        h('table', { style: 'max-width:520px' }, h('tbody', {}, dayRows)),
        h('p', { class: 'hint', style: 'color:var(--muted);font-size:12px', text: T().rangesHint }),
        h('h3', { text: T().holidays }),
        holidaysBox,
        h(
          'div',
          { class: 'actions', style: 'margin-top:6px' },
          btn(
            T().addHoliday,
            () => {
              holidayInputs.push(h('input', { type: 'date' }));
              drawHolidays();
            },
            'btn small',
          ),
        ),
        h('h3', { text: T().exceptions }),
        exceptionsBox,
        btn(
          T().addException,
          () => {
            exceptionRows.push({
              date: h('input', { type: 'date' }),
              ranges: input({ size: 24, placeholder: '10:00-16:00' }),
            });
            drawExceptions();
          },
          'btn small',
        ),
        h('div', { class: 'actions' }, saveHours),
      ),
      h(
        'section',
        { class: 'card' },
        h('h3', { text: T().greetingTitle, style: 'margin-top:0' }),
        h(
          'label',
          { class: 'check', style: 'margin-bottom:10px' },
          enabled,
          h('span', { text: T().greetingEnabled }),
        ),
        h(
          'div',
          { class: 'row' },
          field(T().quietMinutes, quiet),
          field(T().awayQuiet, awayQuiet),
          field(T().handoffNotice, notice),
        ),
        h('div', { class: 'actions' }, saveGreeting),
      ),
      h(
        'section',
        { class: 'card' },
        h('h3', { text: T().spamTitle, style: 'margin-top:0' }),
        field(T().spamKeywords, spamKeywords),
        field(T().spamPatterns, spamPatterns, T().spamPatternsHint),
        field(T().maxLinks, maxLinks),
        h('div', { class: 'actions' }, saveSpam),
      ),
      h(
        'section',
        { class: 'card' },
        h('h3', { text: T().alertsTitle, style: 'margin-top:0' }),
        h(
          'div',
          { class: 'row' },
          field(T().alertFirst, alertFirst),
          field(T().alertWindow, alertWindow),
          field(T().alertQueue, alertQueue),
          field(T().alertOverdue, alertOverdue),
        ),
        h('div', { class: 'actions' }, saveAlerts),
      ),
    );
  }

  // ---------- versions ----------
  function diffTable(diff) {
    if (!diff.length) return h('p', { text: T().noDiff });
    return h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'diff' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            T().diffCols.map((c) => h('th', { text: c })),
          ),
        ),
        h(
          'tbody',
          {},
          diff.map((d) =>
            h(
              'tr',
              {},
              h('td', { class: 'mono', text: d.path || '/' }),
              h('td', { class: 'before' }, h('pre', { text: json(d.before) })),
              h('td', { class: 'after' }, h('pre', { text: json(d.after) })),
            ),
          ),
        ),
      ),
    );
  }

  function versionsPage() {
    const listBox = h('section', { class: 'card' }, h('p', { text: T().loading }));
    const detail = h('div');
    const showVersion = async (v) => {
      state.versionView = v;
      clearNotice();
      detail.replaceChildren(h('p', { text: T().loading }));
      try {
        const r = await api('GET', `/api/admin/versions/${v}/diff`);
        const restoreArea = h('span', { class: 'actions', style: 'margin:0' });
        const ask = btn(
          T().restore,
          () => {
            const confirm = btn(
              T().confirmRestore(v),
              async () => {
                const res = await publishing(
                  confirm,
                  () => api('POST', `/api/admin/versions/${v}/restore`, { baseVersion: state.version }),
                  (x) => T().restored(v, x.version),
                );
                if (res) state.versionView = res.version;
              },
              'btn primary',
            );
            restoreArea.replaceChildren(
              confirm,
              btn(T().cancel, () => restoreArea.replaceChildren(ask)),
            );
          },
          'btn',
        );
        restoreArea.append(ask);
        detail.replaceChildren(
          h(
            'section',
            { class: 'card', 'aria-label': T().diffTitle(v) },
            h('h3', { text: T().diffTitle(v), style: 'margin-top:0' }),
            r.from === null ? h('p', { text: T().firstVersion }) : diffTable(r.diff),
            h(
              'div',
              { class: 'actions' },
              v === state.version ? h('span', { class: 'badge green', text: T().current }) : restoreArea,
            ),
          ),
        );
      } catch (e) {
        detail.replaceChildren();
        showError(e);
      }
    };
    (async () => {
      try {
        const r = await api('GET', '/api/admin/versions?limit=200');
        listBox.replaceChildren(
          h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { 'aria-label': T().pages.versions },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  T().versionCols.map((c) => h('th', { text: c })),
                ),
              ),
              h(
                'tbody',
                {},
                r.versions.map((v) =>
                  h(
                    'tr',
                    { class: v.version === r.current ? 'current' : '' },
                    h(
                      'td',
                      {},
                      h('strong', { text: `v${v.version}` }),
                      ' ',
                      v.version === r.current ? h('span', { class: 'badge green', text: T().current }) : null,
                    ),
                    h('td', { text: when(v.createdAt) }),
                    h('td', { text: v.author || '—' }),
                    h('td', { text: v.summary || '' }),
                    h(
                      'td',
                      {},
                      btn(T().view, () => showVersion(v.version), 'btn small', {
                        'aria-label': `${T().view} v${v.version}`,
                      }),
                    ),
                  ),
                ),
              ),
            ),
          ),
        );
      } catch (e) {
        showError(e);
      }
    })();
    if (state.versionView) void showVersion(state.versionView);
    return h('div', {}, listBox, detail);
  }

  // ---------- audit ----------
  /** "config.publish" → 发布配置; ".refused" suffixes read as "(refused)"; unknown actions as they are. */
  function actionName(action) {
    const refused = action.endsWith('.refused');
    const key = refused ? action.slice(0, -'.refused'.length) : action;
    const name = T().actionNames[key] || key;
    return refused ? `${name} ${T().refusedSuffix}` : name;
  }
  function detailText(detail) {
    if (detail == null || typeof detail !== 'object') return detail == null ? '' : String(detail);
    return Object.entries(detail)
      .filter(
        ([, v]) => v !== null && v !== undefined && !(typeof v === 'object' && Object.keys(v).length === 0),
      )
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`)
      .join('\n');
  }

  function auditPage() {
    const tbody = h('tbody');
    const more = btn(T().more, () => load(), 'btn small');
    let before;
    const load = async () => {
      try {
        const r = await api('GET', `/api/admin/audit?limit=100${before ? `&before=${before}` : ''}`);
        for (const e of r.entries) {
          tbody.append(
            h(
              'tr',
              {},
              h('td', { text: when(e.at) }),
              h('td', { text: e.actor || '—' }),
              h('td', { title: e.action, text: actionName(e.action) }),
              h('td', {}, h('pre', { text: detailText(e.detail) })),
            ),
          );
        }
        before = r.entries.at(-1)?.seq;
        more.hidden = r.entries.length < 100;
      } catch (e) {
        showError(e);
      }
    };
    void load();
    return h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { 'aria-label': T().pages.audit },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              T().auditCols.map((c) => h('th', { text: c })),
            ),
          ),
          tbody,
        ),
      ),
      h('div', { class: 'actions' }, more),
    );
  }

  // ---------- try it ----------
  function tryResultView(r, title) {
    const vetoed = r.rules.some((c) => c.vetoedBy);
    const routing = r.routing;
    const chosen = routing.agentName ? `${routing.agentName}` : T().nobody;
    return h(
      'section',
      { class: 'card', 'aria-label': title },
      h('h3', { text: title, style: 'margin-top:0' }),
      h(
        'dl',
        { class: 'kv' },
        h('dt', { text: T().decision }),
        h(
          'dd',
          {},
          h('span', {
            class: `badge ${r.decision === 'handoff' ? 'amber' : 'green'}`,
            'data-testid': 'decision',
            text: T().decisions[r.decision] || r.decision,
          }),
          ' ',
          h('span', { text: T().reasons[r.reason] || r.reason }),
        ),
        h('dt', { text: T().matchedIntent }),
        h('dd', {
          class: 'mono',
          text: r.match.intent ? `${r.match.intent} (${T().score} ${r.match.score})` : '—',
        }),
      ),
      h('h3', { text: T().replies }),
      r.replies.length
        ? r.replies.map((x) =>
            h(
              'div',
              { class: 'bubble' },
              h('span', { class: 'kind', text: `${T().kinds[x.kind] || x.kind} · ${x.template}` }),
              x.text,
              x.quickReplies
                ? h(
                    'div',
                    { class: 'chips', style: 'margin-top:6px' },
                    x.quickReplies.map((q) => h('span', { class: 'chip', text: q })),
                  )
                : null,
            ),
          )
        : h('p', { text: '—' }),
      h('h3', { text: T().rulesTitle }),
      r.rules.length
        ? h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  T()
                    .ruleCols.slice(0, vetoed ? 6 : 5)
                    .map((c) => h('th', { text: c })),
                ),
              ),
              h(
                'tbody',
                {},
                r.rules.map((c) =>
                  h(
                    'tr',
                    {},
                    h('td', { class: 'mono', text: c.intent }),
                    h('td', { text: String(c.score) }),
                    h('td', { text: pct(c.coverage) }),
                    h('td', { text: c.rule >= 0 ? T().rule(c.rule + 1) : c.source }),
                    h(
                      'td',
                      {},
                      h(
                        'div',
                        { class: 'chips' },
                        c.words.map((w) => h('span', { class: 'chip', text: w })),
                      ),
                    ),
                    vetoed ? h('td', { text: c.vetoedBy || '' }) : null,
                  ),
                ),
              ),
            ),
          )
        : h('p', { text: '—' }),
      h(
        'dl',
        { class: 'kv', style: 'margin-top:12px' },
        h('dt', { text: T().normalized }),
        h('dd', { class: 'mono', text: r.normalized.text }),
        h('dt', { text: T().tokens }),
        h(
          'dd',
          {},
          h(
            'div',
            { class: 'chips' },
            [...new Set(r.tokens)].map((x) => h('span', { class: 'chip', text: x })),
          ),
        ),
        r.corrections.length ? h('dt', { text: T().corrections }) : null,
        r.corrections.length
          ? h('dd', { text: r.corrections.map((c) => `${c.from} → ${c.to}`).join(', ') })
          : null,
        h('dt', { text: T().tierTitle }),
        h('dd', {
          text: `${r.tier.id} (${r.tier.because.map((b) => T().because[b] || b).join(', ')}) · ${T().group} ${r.group}`,
        }),
        h('dt', { text: T().routingTitle }),
        h('dd', {
          'data-testid': 'routed-to',
          text: `${chosen} · ${T().strategy}: ${T().strategies[routing.strategy] || routing.strategy}`,
        }),
        h('dt', { text: ' ' }),
        h(
          'dd',
          {},
          h(
            'div',
            { class: 'chips' },
            routing.considered.map((c) =>
              h('span', {
                class: 'chip',
                text: `${c.name}: ${T().verdicts[c.verdict] || c.verdict} (${c.active}/${c.cap})`,
              }),
            ),
          ),
        ),
        h('dt', { text: T().hoursTitle }),
        h('dd', { text: r.open ? T().open : T().closed(r.backAt) }),
        r.spam.length ? h('dt', { text: T().spam }) : null,
        r.spam.length ? h('dd', { class: 'mono', text: r.spam.join(', ') }) : null,
      ),
    );
  }

  function metricsTable(ev) {
    const keys = ['precision', 'coverage', 'falseAnswerRate', 'answered', 'correct'];
    const fmt = (k, m) => (m == null ? '—' : k === 'answered' || k === 'correct' ? String(m[k]) : pct(m[k]));
    return h(
      'table',
      { class: 'metrics', style: 'max-width:640px' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { text: '' }),
          h('th', { text: T().liveCol }),
          ev.draft ? h('th', { text: T().draftCol }) : null,
        ),
      ),
      h(
        'tbody',
        {},
        keys.map((k) =>
          h(
            'tr',
            {},
            h('td', { text: T().metricNames[k] }),
            h('td', { text: fmt(k, ev.live) }),
            ev.draft ? h('td', { text: fmt(k, ev.draft) }) : null,
          ),
        ),
      ),
    );
  }

  function tryPage() {
    const ti = state.tryInput;
    const text = h('textarea', {
      rows: 2,
      placeholder: T().tryPlaceholder,
      value: ti.text,
      'data-path': 'text',
    });
    const locale = select(
      [
        ['', T().auto],
        ['zh', 'zh'],
        ['en', 'en'],
      ],
      ti.locale,
    );
    const vip = h('input', { type: 'checkbox', checked: ti.vip });
    const returning = h('input', { type: 'checkbox', checked: ti.returning });
    const results = h('div', { 'aria-live': 'polite' });
    const evalBox = h('div', { 'aria-live': 'polite' });
    const csv = h('textarea', {
      rows: 6,
      class: 'mono',
      value: state.csv,
      placeholder: 'text,intent\n什么时候发货,shipping-time',
      'data-path': 'csv',
    });
    csv.addEventListener('input', () => {
      state.csv = csv.value;
    });
    const file = h('input', { type: 'file', accept: '.csv,text/csv', class: 'visually-hidden' });
    const fileButton = h('label', { class: 'btn' }, T().loadFile, file);
    file.addEventListener('change', async () => {
      const f = file.files?.[0];
      if (f) {
        csv.value = await f.text();
        state.csv = csv.value;
      }
    });

    const readInput = () => {
      Object.assign(ti, {
        text: text.value,
        locale: locale.value,
        vip: vip.checked,
        returning: returning.checked,
      });
      return {
        ...(ti.text.trim() ? { text: ti.text.trim() } : {}),
        ...(ti.locale ? { locale: ti.locale } : {}),
        vip: ti.vip,
        returning: ti.returning,
      };
    };
    const drawResults = () => {
      const r = state.tryResult;
      results.replaceChildren();
      if (!r) return;
      if (r.changes) {
        results.append(
          h(
            'section',
            { class: 'card', 'aria-label': T().changesTitle },
            h('h3', { text: T().changesTitle, style: 'margin-top:0' }),
            r.changes.length
              ? h(
                  'table',
                  {},
                  h(
                    'thead',
                    {},
                    h(
                      'tr',
                      {},
                      h('th', { text: '' }),
                      h('th', { text: T().liveCol }),
                      h('th', { text: T().draftCol }),
                    ),
                  ),
                  h(
                    'tbody',
                    {},
                    r.changes.map((c) =>
                      h(
                        'tr',
                        {},
                        h('td', { text: T().changeNames[c.what] || c.what }),
                        h('td', {}, h('pre', { text: json(c.live) })),
                        h('td', {}, h('pre', { text: json(c.draft) })),
                      ),
                    ),
                  ),
                )
              : h('p', { text: T().noChanges }),
          ),
        );
      }
      if (r.live || r.draft)
        results.append(
          h(
            'div',
            { class: 'try-grid' },
            r.live ? tryResultView(r.live, `${T().liveCol} v${r.live.version}`) : null,
            r.draft ? tryResultView(r.draft, T().draftCol) : null,
          ),
        );
      evalBox.replaceChildren();
      if (r.eval) {
        const ev = r.eval;
        evalBox.append(
          h(
            'section',
            { class: 'card', 'aria-label': T().evalTitle(ev.lines) },
            h('h3', { text: T().evalTitle(ev.lines), style: 'margin-top:0' }),
            metricsTable(ev),
            ev.draft
              ? h(
                  'p',
                  {},
                  h('span', {
                    class: ev.fixed >= ev.broken ? 'better' : 'worse',
                    'data-testid': 'fixed-broken',
                    text: T().fixedBroken(ev.fixed, ev.broken),
                  }),
                )
              : null,
            ev.unknownLabels.length
              ? h('p', { class: 'notice warn', text: T().unknownIntents(ev.unknownLabels.join(', ')) })
              : null,
            ev.changed.length
              ? h(
                  'div',
                  {},
                  h('h3', { text: T().changedLines }),
                  h(
                    'div',
                    { class: 'scroll' },
                    h(
                      'table',
                      {},
                      h(
                        'thead',
                        {},
                        h(
                          'tr',
                          {},
                          T().lineCols.map((c) => h('th', { text: c })),
                        ),
                      ),
                      h(
                        'tbody',
                        {},
                        ev.changed.map((c) =>
                          h(
                            'tr',
                            {},
                            h('td', { text: String(c.line) }),
                            h('td', { text: c.text }),
                            h('td', { class: 'mono', text: c.expected || '—' }),
                            h('td', { class: 'mono', text: c.live || T().handoffShort }),
                            h('td', {
                              class: `mono ${c.better === true ? 'better' : c.better === false ? 'worse' : ''}`,
                              text: c.draft || T().handoffShort,
                            }),
                          ),
                        ),
                      ),
                    ),
                  ),
                )
              : null,
          ),
        );
      }
    };

    const run = async (button, withDraft, withCsv) => {
      clearNotice();
      const body = readInput();
      if (withDraft && state.draft) body.draft = state.draft.document;
      if (withCsv && csv.value.trim()) body.csv = csv.value;
      if (!body.text && !body.csv) {
        text.focus();
        return;
      }
      button.disabled = true;
      try {
        state.tryResult = await api('POST', '/api/admin/try', body);
        drawResults();
      } catch (e) {
        showError(e);
      } finally {
        button.disabled = false;
      }
    };
    const tryBtn = h('button', { type: 'submit', class: 'btn primary', text: T().tryButton });
    const form = h(
      'form',
      {
        class: 'card',
        onsubmit(ev) {
          ev.preventDefault();
          void run(tryBtn, Boolean(state.draft), false);
        },
      },
      field(T().tryText, text),
      h(
        'div',
        { class: 'row' },
        field(T().tryLocale, locale),
        h('label', { class: 'check' }, vip, h('span', { text: T().vip })),
        h('label', { class: 'check' }, returning, h('span', { text: T().returning })),
      ),
      h('div', { class: 'actions' }, tryBtn),
    );
    text.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });

    // Suggestions → draft → compare → publish.
    const suggestionsBox = h('div');
    const drawSuggestions = () => {
      const s = state.suggestions;
      suggestionsBox.replaceChildren();
      if (!s) return;
      const picks = [];
      const cards = s.intents
        .filter((i) => i.suggestions.length)
        .map((i) =>
          h(
            'div',
            { class: 'rule' },
            h(
              'header',
              {},
              h('span', { class: 'mono', text: i.intent }),
              h('small', { text: T().answeredNow(i.answered, i.lines) }),
            ),
            h(
              'div',
              { class: 'sugg' },
              i.suggestions.map((x) => {
                const cb = h('input', {
                  type: 'checkbox',
                  disabled: Boolean(x.conflict),
                  'aria-label': `${i.intent}: ${x.keyword}`,
                });
                picks.push({ intent: i.intent, keyword: x.keyword, cb });
                return h(
                  'label',
                  { title: x.conflict || '' },
                  cb,
                  h('strong', { text: x.keyword }),
                  h('small', { text: x.conflict || T().suggestionMeta(x) }),
                );
              }),
            ),
          ),
        );
      const add = btn(
        T().addToDraft,
        async () => {
          const accept = {};
          for (const p of picks) {
            if (!p.cb.checked) continue;
            accept[p.intent] ??= [];
            accept[p.intent].push(p.keyword);
          }
          if (!Object.keys(accept).length) return;
          clearNotice();
          try {
            const r = await api('POST', '/api/admin/suggest-keywords/accept', {
              accept,
              ...(state.draft ? { draft: state.draft.document } : {}),
            });
            state.draft = { document: r.draft, diff: r.diff, issues: r.issues, base: state.version };
            drawDraft();
          } catch (e) {
            showError(e);
          }
        },
        'btn primary',
      );
      suggestionsBox.append(
        h(
          'section',
          { class: 'card', 'aria-label': T().suggestionsTitle },
          h('h3', { text: T().suggestionsTitle, style: 'margin-top:0' }),
          s.unknownIntents.length
            ? h('p', { class: 'notice warn', text: T().unknownIntents(s.unknownIntents.join(', ')) })
            : null,
          cards.length ? cards : h('p', { text: T().noSuggestions }),
          cards.length ? h('div', { class: 'actions' }, add) : null,
        ),
      );
    };
    const draftBox = h('div');
    const drawDraft = () => {
      const d = state.draft;
      if (!d) {
        draftBox.replaceChildren(h('p', { class: 'hint', style: 'color:var(--muted)', text: T().noDraft }));
        return;
      }
      const compare = btn(T().compare, (ev) => run(ev.currentTarget, true, true), 'btn');
      const publish = btn(
        T().publishDraft,
        async () => {
          const r = await publishing(
            publish,
            () =>
              api('PUT', '/api/admin/config', {
                baseVersion: state.version,
                document: d.document,
                summary: 'keywords from suggestions',
              }),
            (x) => T().published(x.version),
          );
          if (r) {
            state.draft = null;
            state.suggestions = null;
            render();
          }
        },
        'btn primary',
        { disabled: d.issues.length > 0 },
      );
      draftBox.replaceChildren(
        h('p', { 'data-testid': 'draft-status', text: T().draftStatus(d.diff.length) }),
        d.issues.length
          ? h(
              'div',
              { class: 'notice error' },
              h('span', { text: T().draftInvalid }),
              h(
                'ul',
                {},
                d.issues.map((i) =>
                  h('li', {}, h('span', { class: 'path', text: `${i.path}: ` }), i.message),
                ),
              ),
            )
          : null,
        diffTable(d.diff),
        h(
          'div',
          { class: 'actions' },
          compare,
          publish,
          btn(
            T().discardDraft,
            () => {
              state.draft = null;
              state.tryResult = null;
              drawDraft();
              drawResults();
            },
            'btn danger',
          ),
        ),
      );
    };
    const suggest = btn(T().suggest, async (ev) => {
      const b = ev.currentTarget;
      clearNotice();
      if (!csv.value.trim()) return csv.focus();
      b.disabled = true;
      try {
        state.suggestions = await api('POST', '/api/admin/suggest-keywords', {
          csv: csv.value,
          ...(state.draft ? { draft: state.draft.document } : {}),
        });
        drawSuggestions();
      } catch (e) {
        showError(e);
      } finally {
        b.disabled = false;
      }
    });
    const evaluate = btn(T().evaluate, (ev) => run(ev.currentTarget, Boolean(state.draft), true));
    drawSuggestions();
    drawDraft();
    drawResults();
    return h(
      'div',
      {},
      form,
      results,
      h(
        'section',
        { class: 'card' },
        h('h3', { text: T().draftTitle, style: 'margin-top:0' }),
        field(T().csvLabel, csv, T().csvHint),
        h('div', { class: 'actions', style: 'margin-top:0' }, fileButton, suggest, evaluate),
      ),
      suggestionsBox,
      h('section', { class: 'card', 'aria-label': T().draftCol }, draftBox),
      evalBox,
    );
  }

  const PAGES = {
    intents: () => listPage('intents'),
    replies: () => listPage('replies'),
    routing: routingPage,
    agents: agentsPage,
    hours: hoursPage,
    versions: versionsPage,
    audit: auditPage,
    try: tryPage,
  };

  if (state.token) void start();
  else showLogin();
})();
