"""中文消息目录: the Chinese of every message a student or a teacher can see (English text → 中文)."""

MESSAGES: dict[str, str] = {
    # ===== 检查函数的报告（ppo_core/exercises/_engine.py） =====
    # 报告的框架
    'Checking {name} against {title}:':
        '检查 {name}，对照 {title}：',
    'Checking {name} ({title}):':
        '检查 {name}（{title}）：',
    '{passed}/{total} cases passed.':
        '通过 {passed}/{total} 个用例。',
    'Fix the first ✗ above first.':
        '先修正上面第一个 ✗。',
    '{title}: failed cases: {cases}':
        '{title}，未通过的用例：{cases}',
    'inputs:':
        '输入：',
    'expected:':
        '正确结果：',
    'received:':
        '你的结果：',
    # 'expected' / 'received' 后面跟着 "d(sum w*output)/dx: ..."
    'expected':
        '正确的',
    'received':
        '你的',
    'hint:':
        '提示：',
    '{n} of {total} entries differ; the first ones:':
        '{total} 个元素中有 {n} 个不一致，前几个是：',
    'at {index}: expected {want}, received {got}':
        '位置 {index}：应为 {want}，你的结果是 {got}',
    # 还没写完的练习（这两条经变量传给 tr()，不在自动收集的清单里）
    'not implemented yet: replace `raise NotImplementedError()` with your code.':
        '还没有实现：把 `raise NotImplementedError()` 换成你的代码。',
    '{name} is not implemented yet: replace `raise NotImplementedError()` in its cell with your code, run that cell, then run this one again.':
        '{name} 还没有实现：把它所在单元格里的 `raise NotImplementedError()` 换成你的代码，运行那个单元格，然后再运行这个单元格。',
    # 一个用例失败的原因
    'your function raised {error}: {message} (line {line}: `{code}`)':
        '你的函数抛出了 {error}：{message}（第 {line} 行：`{code}`）',
    'returned {type}; expected a number (a Python float).':
        '返回了 {type}；应返回一个数（Python float）。',
    'returned {type}; expected a torch.Tensor.':
        '返回了 {type}；应返回 torch.Tensor。',
    'returned a tensor of dtype {dtype}; expected floating point.':
        '返回的张量 dtype 为 {dtype}；应为浮点类型。',
    'returned shape {got}; expected {want}.':
        '返回的形状是 {got}；应为 {want}。',
    'Your output has an extra last dimension of size {size}: a sum (or other reduction) over it is missing.':
        '你的输出多了一个大小为 {size} 的最后一维：少了对这一维的求和（或其他归约）。',
    'You reduced away a dimension the result must keep: return one value per sample, do not .sum()/.mean() over the batch.':
        '你把结果必须保留的一维归约掉了：每个样本返回一个值，不要在批次上做 .sum()/.mean()。',
    'Check for broadcasting between a [B, 1] and a [B] tensor, or an index that added or dropped a dimension.':
        '检查一下是否有 [B, 1] 张量和 [B] 张量之间的广播，或者某次索引多出或丢掉了一维。',
    'returned NaN or inf where the expected values are finite.':
        '返回了 NaN 或 inf，而正确结果是有限值。',
    'wrong values.':
        '数值不对。',
    'your function changed its input `{key}` in place (e.g. `{key} += ...` or `{key}[i] = ...`); compute into a new tensor instead.':
        '你的函数原地修改了输入 `{key}`（例如 `{key} += ...` 或 `{key}[i] = ...`）；请把结果算到一个新张量里。',
    'no gradient flows through your output: avoid .item(), .detach(), numpy and Python floats on the path from the inputs to the result.':
        '没有梯度流过你的输出：从输入到结果的路径上，不要用 .item()、.detach()、numpy 或 Python 浮点数。',
    'the values are right but the gradient with respect to `{key}` is wrong.':
        '数值正确，但对 `{key}` 的梯度不对。',
    # {mistake} 是下面各练习“已知错误”中的一条（动词短语，如“忘了减去 V(s_t)”）
    'your output matches what you get when you {mistake}.':
        '你的输出和这个常见错误的结果一样：{mistake}。',
    'Pass your function itself to the checker, e.g. check(my_function); got {type}.':
        '请把函数本身传给检查函数，例如 check(my_function)；你传入的是 {type}。',
    # 预测题
    'Checking {name}: ✗ no prediction yet.':
        '检查 {name}：✗ 还没有写下预测。',
    '{name} is not written yet: replace None with your prediction in its cell, run that cell, then run this one again.':
        '{name} 还没有填写：在它所在的单元格里把 None 换成你的预测，运行那个单元格，然后再运行这个单元格。',
    '{value} is not one of the options {options}.':
        '{value} 不是选项 {options} 之一。',
    'write a number, got {type} {value}.':
        '请写一个数，你写的是 {type} {value}。',
    'not what happens.':
        '实际结果不是这样。',
    'Run the next cell, look at the result, and work out why.':
        '运行下一个单元格，看看结果，想一想为什么。',
    'right.':
        '正确。',
    'your prediction':
        '你的预测',

    # ===== 综合练习的检查（ppo_core/exercises/ppo_cartpole.py） =====
    # 已知错误：补全 "在{where}，你的梯度恰好是以下情形的梯度——{mistake}。"
    'the loss increases the surrogate (a sign error): the loss is MINUS the mean clipped surrogate':
        '损失随代理目标增大而增大（符号错误）：损失应该是裁剪代理目标均值的负值',
    "the advantages are not normalized: normalize each minibatch's advantages (mean 0, std 1) before the surrogate":
        '优势没有归一化：计算代理目标之前，先把每个小批量的优势归一化（均值 0，标准差 1）',
    "the advantages are normalized over the whole batch: normalize over each minibatch's own samples":
        '优势是在整个批次上归一化的：应在每个小批量自己的样本上归一化',
    'the ratio is not clipped: use min(r A, clip(r, 1 - eps, 1 + eps) A)':
        '概率比没有裁剪：应使用 min(r A, clip(r, 1 - eps, 1 + eps) A)',
    'epsilon comes from config.clip_eps: use the clip_eps argument (the trainer anneals it)':
        'epsilon 取自 config.clip_eps：应使用参数 clip_eps（训练器会让它逐渐减小）',
    "the old log-probabilities are recomputed with the current network, so the ratio is always 1 and the clip never acts: use batch['log_probs'], stored when the actions were sampled":
        "旧的对数概率是用当前网络重新算的，所以概率比总是 1，裁剪永远不起作用：应使用采样动作时存下的 batch['log_probs']",
    "the old log-probabilities are not those of the minibatch's samples: index batch['log_probs'] with the same indices as the observations":
        "旧的对数概率不属于这个小批量的样本：要用和观测相同的下标去索引 batch['log_probs']",
    'the value loss has the wrong sign: ADD vf_coef * mean((V - R)^2)':
        '价值损失的符号反了：应当加上 vf_coef * mean((V - R)^2)',
    'the entropy term has the wrong sign: SUBTRACT ent_coef * mean entropy (a bonus)':
        '熵项的符号反了：应当减去 ent_coef * 熵的均值（熵是一项奖励）',
    # 各项检查及其报告
    'one optimizer step per minibatch, num_epochs x num_minibatches steps':
        '每个小批量优化器走一步，共 num_epochs x num_minibatches 步',
    'shuffled minibatches that cover the batch in every epoch':
        '打乱的小批量，每一轮都覆盖整个批次',
    'first minibatch: the gradient of -L^CLIP + c1 L^VF - c2 S at theta_old':
        '第一个小批量：在 theta_old 处 -L^CLIP + c1 L^VF - c2 S 的梯度',
    'every step: clipped ratio, advantages normalized per minibatch, the clip_eps argument':
        '每一步：裁剪后的概率比、按小批量归一化的优势、参数 clip_eps',
    'gradient-norm clipping at config.max_grad_norm':
        '按 config.max_grad_norm 做梯度范数裁剪',
    'CartPole-v1 reaches 475 within {budget} steps on >= {needed} of {seeds} seeds':
        '{seeds} 个随机种子中有 >= {needed} 个在 {budget} 步内让 CartPole-v1 达到 475',
    'not run: fix the case above first.':
        '未运行：先修正上面那个用例。',
    'not run: fix the cases above first.':
        '未运行：先修正上面的用例。',
    "your function changed the batch's tensors in place: leave them as they are.":
        '你的函数原地修改了 batch 中的张量：不要改动它们。',
    "the observations your actor saw before this step are not rows of batch['observations'].":
        "在这一步之前，你的策略网络（actor）看到的观测不是 batch['observations'] 中的行。",
    "the observations your actor saw are not rows of batch['observations'].":
        "你的策略网络（actor）看到的观测不是 batch['observations'] 中的行。",
    'optimizer step {number} (epoch {epoch}, minibatch {minibatch})':
        '优化器的第 {number} 步（第 {epoch} 轮，第 {minibatch} 个小批量）',
    'at {where} the gradient norm is {norm}, above max_grad_norm = {max_norm}: clip it with torch.nn.utils.clip_grad_norm_ before optimizer.step().':
        '在{where}，梯度范数为 {norm}，超过了 max_grad_norm = {max_norm}：在 optimizer.step() 之前用 torch.nn.utils.clip_grad_norm_ 裁剪梯度。',
    'at {where} the gradient is what you get when {mistake}.':
        '在{where}，你的梯度恰好是以下情形的梯度——{mistake}。',
    'at {where} the gradient points the right way but has the wrong size ({got} instead of {want}): average over the minibatch (not sum), and clip at config.max_grad_norm (not a fixed number).':
        '在{where}，梯度方向正确，但大小不对（是 {got}，应为 {want}）：在小批量上取平均（不要求和），并按 config.max_grad_norm 裁剪（不要用固定的数）。',
    'at {where} the gradient is not that of -L^CLIP + vf_coef L^VF - ent_coef S on that minibatch.':
        '在{where}，梯度不是该小批量上 -L^CLIP + vf_coef L^VF - ent_coef S 的梯度。',
    "Before the first step theta = theta_old: the ratio uses the current network's log-probs minus batch['log_probs'] of the same samples.":
        "第一步之前 theta = theta_old：概率比要用当前网络算出的对数概率减去同一批样本的 batch['log_probs']。",
    'the parameters did not change: call optimizer.step() after loss.backward() for every minibatch':
        '参数没有变化：每个小批量都要在 loss.backward() 之后调用 optimizer.step()',
    "optimizer.step() was called but the parameters did not change: call loss.backward() before optimizer.step(), with a loss built from the agent's outputs (not detached).":
        '调用了 optimizer.step()，但参数没有变化：要在 optimizer.step() 之前调用 loss.backward()，而且损失要由智能体的输出算出来（不能 detach）。',
    '{steps} optimizer steps on a batch of {size} with num_epochs = {epochs} and num_minibatches = {minibatches}: expected one step per minibatch, {expected} in all.':
        '在大小为 {size} 的批次上，num_epochs = {epochs}、num_minibatches = {minibatches} 时优化器走了 {steps} 步：应该每个小批量一步，共 {expected} 步。',
    '(probe: {epochs} epochs x {minibatches} minibatches, CartPole-v1 batch of 128)':
        '（检查所用的设置：{epochs} 轮 x {minibatches} 个小批量，CartPole-v1 上一个大小为 128 的批次）',
    'epoch {epoch}: minibatches of {sizes} samples; expected {size} = batch size / num_minibatches each (config.minibatch_size).':
        '第 {epoch} 轮：各小批量的样本数为 {sizes}；每个应为 {size} = batch size / num_minibatches（config.minibatch_size）。',
    'epoch {epoch}: the minibatches do not cover every sample exactly once: shuffle with torch.randperm.':
        '第 {epoch} 轮：各小批量没有把每个样本恰好覆盖一次：用 torch.randperm 打乱。',
    'epochs 1 and 2 used the same minibatches: draw a new permutation every epoch (with `generator`).':
        '第 1 轮和第 2 轮用了相同的小批量：每一轮都要重新抽一个排列（用 `generator`）。',
    'with max_grad_norm = 0.05 the gradient norm at optimizer.step() reached {norm}: clip the global norm with torch.nn.utils.clip_grad_norm_(agent.parameters(), config.max_grad_norm) between loss.backward() and optimizer.step().':
        'max_grad_norm = 0.05 时，调用 optimizer.step() 时的梯度范数达到了 {norm}：在 loss.backward() 和 optimizer.step() 之间用 torch.nn.utils.clip_grad_norm_(agent.parameters(), config.max_grad_norm) 裁剪全局范数。',
    # 训练：CartPole-v1 上的结果（"随机种子 2：6,144 步时达到 475, 随机种子 0：……"）
    'training raised {error}: {message}':
        '训练时抛出了 {error}：{message}',
    'seed {seed}: ':
        '随机种子 {seed}：',
    '475 at {steps} steps':
        '{steps} 步时达到 475',
    'not reached in {budget}':
        '{budget} 步内未达到',
    'reached on {solved} seed(s).':
        '只在 {solved} 个随机种子上达到。',

    # ===== 评分（ppo_core/homework/grade.py） =====
    "0 points: while it ran, your function called the library's {names} ({chain}). The exercise is to write it yourself; your teacher will look at it.":
        '0 分：你的函数在运行时调用了库里现成的 {names}（{chain}）。这个练习要求你自己实现；老师会查看你的代码。',
    'Note for the teacher: the function called {names} ({chain}).':
        '给老师的备注：该函数调用了 {names}（{chain}）。',
    "The notebook's first code cell failed in the grader: {error}":
        '笔记本的第一个代码单元格在评分程序中运行失败：{error}',
    'No cell defines {function}: the exercise cell was deleted or the function renamed.':
        '没有任何单元格定义 {function}：练习单元格被删除了，或者函数被改了名。',
    'The exercise cell could not run: {error}':
        '练习单元格无法运行：{error}',
    'The exercise cell does not define a function named {function}.':
        '练习单元格没有定义名为 {function} 的函数。',
    # {at} 为空，或为 " " + 下一条
    "on case '{case}'":
        '（在用例“{case}”上）',
    '{function} timed out: it did not finish within {seconds} s{at}, and the grader stopped it (an endless loop, or a very slow one?).':
        '{function} 超时：没有在 {seconds} 秒内结束{at}，评分程序已将它终止（是死循环，还是运行得太慢？）。',
    '{function} ended the grading process (os._exit, or a crash of the interpreter) instead of returning.':
        '{function} 没有正常返回，而是结束了评分进程（调用了 os._exit，或者解释器崩溃）。',
    'The checker stopped: {error}: {message}':
        '检查函数中止：{error}：{message}',

    # ===== 各练习的文字（ppo_core/exercises/*.py） =====
    # 标题：报告第一行“检查 {name}，对照 {title}：”或“检查 {name}（{title}）：”中的 {title}。目标：教师指南中练习表的一栏。
    # 用例名、提示：每个用例一行、失败时的“提示：”。已知错误：补全“……这个常见错误的结果一样：{mistake}。”
    # 预测题的已知错误与解释：跟在“实际结果不是这样。”/“正确。”之后的完整句子。

    # ----- 01_advantage: check_td_residuals -----
    "td_residuals (the note's td_delta)":
        'td_residuals（原笔记中的 td_delta）',
    "the one-step advantage estimate (the note's td_delta), with no bootstrap after termination":
        '单步优势估计（原笔记中的 td_delta），终止之后不再自举',
    'hand example, no episode end (notebook 01)':
        '手算示例，没有回合结束（笔记本 01）',
    'delta_t = r_t + gamma * V(s_{t+1}) - V(s_t), with V(s_{t+1}) = next_values[t] (not values[t + 1]).':
        'delta_t = r_t + gamma * V(s_{t+1}) - V(s_t)，其中 V(s_{t+1}) = next_values[t]（不是 values[t + 1]）。',
    'terminated at t = 1':
        '在 t = 1 处终止',
    'a terminated step has no future: use (1 - terminated) * next_values, i.e. drop the bootstrap there.':
        '终止的那一步没有未来：用 (1 - terminated) * next_values，也就是在那里去掉自举项。',
    'terminated on the last row':
        '在最后一行终止',
    'gamma = 0: only the reward counts':
        'gamma = 0：只有奖励起作用',
    'with gamma = 0, delta_t = r_t - V(s_t).':
        'gamma = 0 时，delta_t = r_t - V(s_t)。',
    'random [7, 3] rollout, seed 1':
        '随机的 [7, 3] 采样数据，随机种子 1',
    'random [7, 3] rollout, seed 2':
        '随机的 [7, 3] 采样数据，随机种子 2',
    'compare with the formula elementwise; every tensor is [T, N], time first.':
        '逐个元素和公式对照；每个张量都是 [T, N]，时间在第一维。',
    'bootstrap through a terminated step':
        '在终止的那一步仍然做了自举',
    'take V(s_{t+1}) from values[t + 1] instead of next_values[t]':
        '从 values[t + 1] 而不是 next_values[t] 中取 V(s_{t+1})',
    'forget the discount gamma':
        '忘了折扣因子 gamma',
    'forget to subtract V(s_t)':
        '忘了减去 V(s_t)',
    'mask V(s_t) with (1 - terminated) as well as V(s_{t+1})':
        '不仅给 V(s_{t+1})，也给 V(s_t) 乘上了 (1 - terminated)',
    'use the terminated flag of step t - 1 (off by one)':
        '用了第 t - 1 步的 terminated 标志（错了一位）',

    # ----- 01_advantage: check_prediction_truncation_error -----
    "the TD residual's error at a time limit treated as termination":
        '把时间限制当作终止时 TD 残差的误差',
    'predict how far off the TD residual is at a truncated step when truncation is treated as termination':
        '预测：把截断当作终止处理时，截断那一步的 TD 残差偏离多少',
    'The shortcut drops gamma * V(s_{t+1}) (about 0.95 * 9.8) from the TD target: an error of about -9.3, against advantages below 1.1.':
        '这种省事的做法从 TD 目标中丢掉了 gamma * V(s_{t+1})（约 0.95 * 9.8）：误差约为 -9.3，而优势都小于 1.1。',
    'Treating truncation as termination is not a small error: it drops a whole value gamma * V(s_{t+1}) from the TD target, not an amount of the size of an advantage.':
        '把截断当作终止不是小误差：它从 TD 目标中丢掉的是整整一个价值 gamma * V(s_{t+1})，而不是一个与优势大小相当的量。',
    'Mind the sign: the dropped term gamma * V(s_{t+1}) is positive here (V is about 10), so the residual gets smaller.':
        '注意符号：这里丢掉的项 gamma * V(s_{t+1}) 是正的（V 约为 10），所以残差会变小。',

    # ----- 01_advantage: check_gae -----
    'gae (generalized advantage estimation)':
        'gae（广义优势估计）',
    'GAE(λ) by a backward recursion over [T, N] rollouts: termination stops the bootstrap, any episode end stops the sum':
        '在形状为 [T, N] 的采样数据上用反向递推计算 GAE(λ)：终止让自举停止，任何一种回合结束都让求和停止',
    'hand example, lambda = 0.5 (notebook 01)':
        '手算示例，lambda = 0.5（笔记本 01）',
    'A_t = delta_t + gamma * lambda * A_{t+1}, computed backwards from the last row, starting from 0.':
        'A_t = delta_t + gamma * lambda * A_{t+1}，从最后一行开始反向计算，初值为 0。',
    'lambda = 0 gives the TD residuals':
        'lambda = 0 得到 TD 残差',
    'with lambda = 0 nothing of the future is summed: A_t = delta_t.':
        'lambda = 0 时不累加任何未来的项：A_t = delta_t。',
    'lambda = 1 gives return minus V':
        'lambda = 1 得到回报减去 V',
    'with lambda = 1 the sum is the discounted return (bootstrapped at the end) minus V(s_t).':
        'lambda = 1 时，这个和等于折扣回报（在末尾自举）减去 V(s_t)。',
    'terminated mid-rollout (t = 1)':
        '采样数据中途终止（t = 1）',
    'termination stops the bootstrap (no gamma * V(s_{t+1})) and the sum (A_t must not include A_{t+1}).':
        '终止既让自举停止（没有 gamma * V(s_{t+1})），也让求和停止（A_t 不能包含 A_{t+1}）。',
    'truncated mid-rollout (t = 1)':
        '采样数据中途截断（t = 1）',
    'truncation keeps the bootstrap gamma * next_values[t] but stops the sum: row t + 1 is a new episode.':
        '截断保留自举项 gamma * next_values[t]，但让求和停止：第 t + 1 行是一个新回合。',
    'on the last row the sum starts at 0; a terminated last row has no bootstrap either.':
        '最后一行的求和从 0 开始；如果最后一行终止，也没有自举项。',
    'truncated and terminated on the same step':
        '同一步既截断又终止',
    'gymnasium can set both flags; termination wins for the bootstrap (no future value).':
        'gymnasium 可能同时设置两个标志；对自举而言以终止为准（没有未来的价值）。',
    'random [7, 3] rollout with both flags, seed 1':
        '带两种标志的随机 [7, 3] 采样数据，随机种子 1',
    'random [7, 3] rollout with both flags, seed 2':
        '带两种标志的随机 [7, 3] 采样数据，随机种子 2',
    'random [7, 3] rollout with both flags, seed 3':
        '带两种标志的随机 [7, 3] 采样数据，随机种子 3',
    'the recursion runs over dim 0 (time) for all environments at once; flags are per [t, n].':
        '递推沿 dim 0（时间）进行，所有环境一起算；标志按每个 [t, n] 分别给出。',
    'treat truncation as termination (no bootstrap at a time-limit cut)':
        '把截断当作了终止（在时间限制处没有自举）',
    'do not restart the sum at an episode end':
        '在回合结束处没有重新开始求和',
    'discount the sum by lambda instead of gamma * lambda':
        '求和时用 lambda 而不是 gamma * lambda 打折',
    "read the episode-end flags of the next row (t + 1), as CleanRL's shifted `dones` are read; here terminated[t] and truncated[t] describe step t itself":
        '像读取 CleanRL 中错开一位的 `dones` 那样，读取了下一行（t + 1）的回合结束标志；而这里 terminated[t] 和 truncated[t] 描述的就是第 t 步本身',

    # ----- 01_advantage: check_prediction_gae_variance -----
    'the variance of GAE(0.4) against GAE(0) with a wrong critic':
        '价值网络 有误时 GAE(0.4) 与 GAE(0) 的方差比较',
    'predict whether the variance of GAE grows or falls with lambda when the critic is wrong':
        '预测：价值网络 有误时，GAE 的方差随 lambda 增大还是减小',
    "At lambda = 0 the estimate carries the whole critic error gamma * e(s_{t+1}) of a random next state; raising lambda shrinks the weight of the critic's errors faster than it adds reward noise, up to lambda ≈ 0.37.":
        'lambda = 0 时，估计带着随机下一状态上 价值网络 的全部误差 gamma * e(s_{t+1})；增大 lambda 时，价值网络 误差的权重缩小得比新增的奖励噪声更快，一直到 lambda ≈ 0.37 为止。',
    'Variance grows with lambda when the critic is exact; a wrong critic adds variance of its own at small lambda.':
        '价值网络 准确时，方差确实随 lambda 增大；但有误的 价值网络 在 lambda 较小时会带来它自己的方差。',
    "The critic's error does not only shift the mean: gamma * e(s_{t+1}) changes with the random next state.":
        '价值网络 的误差不只是平移均值：gamma * e(s_{t+1}) 随随机的下一状态而变化。',

    # ----- 02_policy_gradient: check_softmax_score -----
    'softmax_score (grad of log pi for a softmax policy)':
        'softmax_score（softmax 策略的 log pi 的梯度）',
    'the score ∇ log π(a|s) of a softmax policy, without dividing by a probability that can underflow':
        'softmax 策略的得分函数 ∇ log π(a|s)，不除以可能下溢的概率',
    'uniform policy over 2 actions':
        '2 个动作上的均匀策略',
    'for a softmax policy, d log pi(a) / d logit_b = 1[a = b] - pi(b).':
        '对 softmax 策略，d log pi(a) / d logit_b = 1[a = b] - pi(b)。',
    'hand example, 3 actions':
        '手算示例，3 个动作',
    'the entry of the taken action is 1 - pi(a); every other entry is -pi(b).':
        '所选动作对应的元素是 1 - pi(a)；其余每个元素都是 -pi(b)。',
    'extreme logits (log of softmax would underflow)':
        '极端的 logits（先 softmax 再取 log 会下溢）',
    'use torch.softmax / log_softmax, never division by a probability that underflowed to 0.':
        '用 torch.softmax / log_softmax，绝不要除以已经下溢成 0 的概率。',
    'random batch of 5 states, 4 actions':
        '随机批次：5 个状态，4 个动作',
    'one row per state: the result has the shape of logits, [B, A].':
        '每个状态一行：结果的形状和 logits 相同，为 [B, A]。',
    'return the sign-flipped score pi - onehot(a)':
        '返回了符号相反的得分函数 pi - onehot(a)',
    'forget to subtract pi (return only the one-hot)':
        '忘了减去 pi（只返回了 one-hot）',
    'return the gradient of pi(a) instead of log pi(a)':
        '返回的是 pi(a) 而不是 log pi(a) 的梯度',
    'take the softmax over the batch (dim 0) instead of over the actions':
        '在批次维（dim 0）而不是动作维上做了 softmax',
    'subtract log pi instead of pi':
        '减去的是 log pi 而不是 pi',
    'divide the gradient of pi(a) by pi(a) (0 / 0 once pi(a) underflows)':
        '用 pi(a) 的梯度除以 pi(a)（pi(a) 一旦下溢就成了 0 / 0）',

    # ----- 02_policy_gradient: check_discounted_cumsum -----
    'discounted_cumsum (returns-to-go)':
        'discounted_cumsum（剩余回报）',
    'returns-to-go: a discounted sum of the future that restarts at every episode end':
        '剩余回报：对未来的折扣求和，每遇到回合结束就重新开始',
    'hand example, no episode end':
        '手算示例，没有回合结束',
    'y_t = x_t + discount * y_{t+1}, computed backwards from the last row with y_T = 0.':
        'y_t = x_t + discount * y_{t+1}，从最后一行开始反向计算，y_T = 0。',
    'an episode ends at t = 1':
        '回合在 t = 1 处结束',
    'nothing after an episode end is added: y_1 = x_1, and y_0 = x_0 + discount * y_1.':
        '回合结束之后的项一概不加：y_1 = x_1，而 y_0 = x_0 + discount * y_1。',
    'an episode ends on the last row':
        '回合在最后一行结束',
    'the last row is y_{T-1} = x_{T-1} in every case.':
        '无论哪种情况，最后一行都是 y_{T-1} = x_{T-1}。',
    'discount = 1: plain sums':
        'discount = 1：普通求和',
    'with discount 1 the sums are undiscounted but still restart at episode ends.':
        'discount 为 1 时求和不打折，但在回合结束处仍要重新开始。',
    'discount = 0: y = x':
        'discount = 0：y = x',
    'with discount 0, y_t = x_t.':
        'discount 为 0 时，y_t = x_t。',
    'random [7, 3] data, seed 1':
        '随机的 [7, 3] 数据，随机种子 1',
    'random [7, 3] data, seed 2':
        '随机的 [7, 3] 数据，随机种子 2',
    'the recursion runs over dim 0 (time) for all columns at once.':
        '递推沿 dim 0（时间）进行，所有列一起算。',
    'sum forwards in time (past instead of future)':
        '沿时间正向求和（加的是过去而不是未来）',
    'restart the sum one step late (the flag of t + 1 instead of t)':
        '晚了一步才重新开始求和（用了 t + 1 而不是 t 的标志）',
    'forget the discount':
        '忘了打折',
    'discount the current term too (y_t = discount * (x_t + y_{t+1}))':
        '把当前项也打了折（y_t = discount * (x_t + y_{t+1})）',
    'leave out the current term (y_t = discount * y_{t+1}, the sum from t + 1 on)':
        '漏掉了当前项（y_t = discount * y_{t+1}，即从 t + 1 开始求和）',

    # ----- 02_policy_gradient: check_prediction_variance_ratio -----
    'how many times smaller the variance is with the advantage than with the return-to-go':
        '用优势函数时的方差比用剩余回报时小多少倍',
    'unbiased is not the same as equally noisy: predict how much variance the advantage removes':
        '无偏不等于噪声一样大：预测优势函数能消去多少方差',
    "With G_t every action taken is pushed up by a large, mostly positive return; the advantage keeps only how much better or worse than average the action was, so one episode's estimate spreads an order of magnitude less.":
        '用 G_t 时，每个执行过的动作都会被一个很大、而且多半为正的回报往上推；优势只保留这个动作比平均好多少或差多少，所以单个回合的估计的离散程度小一个数量级。',
    'Both estimators have the same mean, but the same mean does not mean the same spread.':
        '两个估计量的均值相同，但均值相同并不意味着离散程度相同。',
    'Subtracting V(s_t) alone already removes more than half of it here; the advantage also removes the noise of the future, G_t - Q(s_t, a_t).':
        '在这里，光是减去 V(s_t) 就已经消去了一半以上；优势函数还去掉了未来的噪声 G_t - Q(s_t, a_t)。',
    'Some noise is left: which action was sampled in each state is still random, and so is its score.':
        '还有一些噪声留下：每个状态采样到哪个动作仍然是随机的，它的得分函数也是。',

    # ----- 02_policy_gradient: check_prediction_dropped_discount -----
    'the length of the average gradient estimate without gamma^t, compared with grad J':
        '去掉 gamma^t 后平均梯度估计的长度，与 grad J 相比',
    "dropping gamma^t (as PPO's Eq. (1) does) changes the vector being estimated":
        '去掉 gamma^t（PPO 的式 (1) 就是这么做的）会改变被估计的那个向量',
    'For the tabular softmax each component rho(s) pi(b|s) A(s, b) of grad J becomes eta(s) pi(b|s) A(s, b): the same sign, and at least as large because eta(s) >= rho(s).':
        '对表格型 softmax 策略，grad J 的每个分量 rho(s) pi(b|s) A(s, b) 都变成 eta(s) pi(b|s) A(s, b)：符号不变，而且因为 eta(s) >= rho(s)，大小至少不变。',
    'Dropping gamma^t replaces the weight gamma^t <= 1 of step t by 1: no weight gets smaller.':
        '去掉 gamma^t 就是把第 t 步的权重 gamma^t <= 1 换成 1：没有哪个权重会变小。',
    'The expectation does change: each state is weighted by its expected number of visits eta(s) instead of its discounted visitation rho(s) <= eta(s).':
        '期望确实变了：每个状态的权重变成了它的期望访问次数 eta(s)，而不再是折扣访问频率 rho(s) <= eta(s)。',

    # ----- 03_importance_sampling: check_importance_ratio -----
    'importance_ratio':
        'importance_ratio（概率比）',
    'the ratio π_θ/π_θold from log-probabilities, with no gradient into the old policy':
        '由对数概率算出概率比 π_θ/π_θold，梯度不流入旧策略',
    'same policy: ratio = 1':
        '同一个策略：ratio = 1',
    'r = pi_theta(a|s) / pi_old(a|s) is exactly 1 where the policies agree.':
        '在两个策略一致的地方，r = pi_theta(a|s) / pi_old(a|s) 恰好为 1。',
    'hand example: 0.5 / 0.25 = 2':
        '手算示例：0.5 / 0.25 = 2',
    'new over old: r = exp(log_probs - old_log_probs).':
        '新策略除以旧策略：r = exp(log_probs - old_log_probs)。',
    'tiny probabilities (log-space matters)':
        '极小的概率（必须在对数空间里算）',
    'exp(-800) underflows to 0; subtract the logs first, then exponentiate once.':
        'exp(-800) 会下溢成 0；先把对数相减，再只做一次指数运算。',
    'random batch, gradient flows to log_probs only':
        '随机批次，梯度只流向 log_probs',
    'the old policy is a constant: call old_log_probs.detach() so no gradient reaches it; the gradient of r with respect to log_probs is r itself.':
        '旧策略是常数：调用 old_log_probs.detach()，不让梯度传到它；r 对 log_probs 的梯度就是 r 本身。',
    'invert the ratio (old over new)':
        '把概率比倒过来了（旧除以新）',
    'return the log-ratio without exponentiating':
        '返回了对数概率比，没有取指数',
    'forget to detach the old log-probs (a gradient flows into the old policy)':
        '忘了对旧的对数概率 detach（梯度流进了旧策略）',
    'divide the exponentials (underflows for tiny probabilities)':
        '先取指数再相除（概率极小时会下溢）',
    'divide the log-probabilities (log_probs / old_log_probs)':
        '把两个对数概率相除（log_probs / old_log_probs）',
    'forget the old policy (return exp(log_probs))':
        '忘了旧策略（返回了 exp(log_probs)）',

    # ----- 03_importance_sampling: check_prediction_mean_ratio -----
    "the mean ratio over the old policy's samples after an uphill step":
        '沿上坡方向走一步后，概率比在旧策略样本上的均值',
    'E_old[r] = 1 for every new policy: the ratio moves probability between actions, it does not add any':
        '对任何新策略都有 E_old[r] = 1：概率比只是在动作之间挪动概率，并不增加概率',
    'Sum_a pi_old(a|s) * pi_theta(a|s) / pi_old(a|s) = sum_a pi_theta(a|s) = 1 at every state, for every theta.':
        '在每个状态上、对任何 theta，都有 Sum_a pi_old(a|s) * pi_theta(a|s) / pi_old(a|s) = sum_a pi_theta(a|s) = 1。',
    'The new policy is better, but r is not a score of improvement: it rises on the actions the new policy favours and falls on the others, and weighted by pi_old the two cancel exactly.':
        '新策略确实更好，但 r 不是衡量改进的分数：它在新策略偏爱的动作上升高，在其余动作上降低，按 pi_old 加权后两者恰好抵消。',
    'The ratios below 1 (actions the new policy avoids) are balanced exactly by those above 1.':
        '小于 1 的概率比（新策略避开的动作）恰好被大于 1 的那些抵消。',

    # ----- 03_importance_sampling: check_approx_kl -----
    'approx_kl (the k3 estimator of KL[old || new])':
        'approx_kl（KL[old || new] 的 k3 估计量）',
    'the k3 estimator of KL[π_old ‖ π_θ], per sample and never negative':
        'KL[π_old ‖ π_θ] 的 k3 估计量，逐样本计算，且永不为负',
    'same policy: KL estimate 0':
        '同一个策略：KL 估计为 0',
    'k3 = (r - 1) - log r is 0 when r = 1.':
        'r = 1 时，k3 = (r - 1) - log r 为 0。',
    'hand example: r = 2':
        '手算示例：r = 2',
    'with r = 2: (2 - 1) - log 2 = 0.3069.':
        'r = 2 时：(2 - 1) - log 2 = 0.3069。',
    'hand example: r = 1/2':
        '手算示例：r = 1/2',
    'with r = 1/2: (0.5 - 1) - log 0.5 = 0.1931; k3 is never negative.':
        'r = 1/2 时：(0.5 - 1) - log 0.5 = 0.1931；k3 永远不为负。',
    'random batch: per sample, not averaged':
        '随机批次：逐样本，不取平均',
    'return one estimate per sample; the caller averages.':
        '每个样本返回一个估计值；由调用者取平均。',
    'exp(-800) underflows to 0: compute log r = log_probs - old_log_probs first, then r = exp(log r).':
        'exp(-800) 会下溢成 0：先算 log r = log_probs - old_log_probs，再算 r = exp(log r)。',
    'use k1 = -log r (unbiased but negative for half the samples)':
        '用了 k1 = -log r（无偏，但约一半样本上为负）',
    'use the k3 formula with r inverted (old over new)':
        '在 k3 公式里用了倒过来的 r（旧除以新）',
    'use k2 = (log r)^2 / 2':
        '用了 k2 = (log r)^2 / 2',
    'flip the sign: log r - (r - 1)':
        '把符号弄反了：log r - (r - 1)',
    'forget the -1: r - log r':
        '忘了 -1：r - log r',
    'compute r as exp(log_probs) / exp(old_log_probs) (0 / 0 for tiny probabilities)':
        '用 exp(log_probs) / exp(old_log_probs) 计算 r（概率极小时成了 0 / 0）',
    'average over the batch instead of returning one estimate per sample':
        '在批次上取了平均，而不是每个样本返回一个估计值',

    # ----- 03_importance_sampling: check_prediction_is_variance -----
    "importance sampling from the old policy against fresh samples of the new one, far from theta'":
        "离 theta' 较远时，从旧策略做重要性采样与从新策略重新采样的比较",
    'importance sampling is unbiased but not free: its per-sample variance can far exceed that of fresh samples':
        '重要性采样无偏，但并非没有代价：它的单样本方差可能远大于重新采样的样本',
    "E_old[(rA)^2] = E_new[r A^2]: every squared term is weighted once more by r, and far from theta' r is large on the actions the new policy moved towards.":
        "E_old[(rA)^2] = E_new[r A^2]：每个平方项都再被 r 加权一次；离 theta' 较远时，新策略偏向的那些动作上 r 很大。",
    'Both estimators are unbiased, but the same mean does not mean the same spread: E_old[(rA)^2] = E_new[r A^2] weights every squared term once more by r.':
        '两个估计量都无偏，但均值相同并不意味着离散程度相同：E_old[(rA)^2] = E_new[r A^2] 把每个平方项都再用 r 加权一次。',
    'Importance sampling lowers the variance only if the sampling policy puts more mass than the new one where A^2 is large (the difference is E_new[(r - 1) A^2]); the old policy was not chosen for that.':
        '只有当采样策略在 A^2 大的地方放的概率质量比新策略更多时，重要性采样才会降低方差（差值是 E_new[(r - 1) A^2]）；而旧策略并不是为此挑选的。',

    # ----- 04_clipped_surrogate: check_clipped_surrogate -----
    'clipped_surrogate (L^CLIP per sample)':
        'clipped_surrogate（逐样本的 L^CLIP）',
    'L^CLIP per sample: clip the ratio, not the gradient, and take the pessimistic min':
        '逐样本的 L^CLIP：裁剪的是概率比而不是梯度，并取悲观的 min',
    'A > 0 in all three zones (values)':
        'A > 0，三个区间都有（数值）',
    'min(r A, clip(r, 1 - eps, 1 + eps) A): with A > 0 the objective is flat above 1 + eps.':
        'min(r A, clip(r, 1 - eps, 1 + eps) A)：A > 0 时，目标在 1 + eps 以上是平的。',
    'A < 0 in all three zones (values)':
        'A < 0，三个区间都有（数值）',
    'with A < 0 the objective is flat below 1 - eps, and r A (unclipped) is taken above 1 + eps.':
        'A < 0 时，目标在 1 - eps 以下是平的，而在 1 + eps 以上取的是（未裁剪的）r A。',
    'A > 0: gradient is zero only above 1 + eps':
        'A > 0：梯度只在 1 + eps 以上为零',
    'the gradient must vanish only where the clip is active and the min picks it.':
        '只有在裁剪起作用、并且 min 选中了裁剪项的地方，梯度才应为零。',
    'A < 0: gradient is zero only below 1 - eps':
        'A < 0：梯度只在 1 - eps 以下为零',
    'eps = 0.3, A > 0: the clip moves to 1.3':
        'eps = 0.3，A > 0：裁剪边界移到 1.3',
    'use the clip_eps argument, not a hard-coded 0.2: here min(1.25, 1.25) = 1.25 and min(1.5, 1.3) = 1.3.':
        '用参数 clip_eps，不要写死 0.2：这里 min(1.25, 1.25) = 1.25，min(1.5, 1.3) = 1.3。',
    'eps = 0.1, random ratios and advantages':
        'eps = 0.1，随机的概率比和优势',
    'use the clip_eps argument, not a hard-coded 0.2.':
        '用参数 clip_eps，不要写死 0.2。',
    'take the max instead of the min':
        '取了 max 而不是 min',
    'clip the advantage instead of the ratio':
        '裁剪了优势而不是概率比',
    'return only the clipped term (no min)':
        '只返回了裁剪项（没有取 min）',
    'return only the unclipped term r A':
        '只返回了未裁剪的项 r A',
    'return the loss (the negated objective)':
        '返回了损失（取负的目标函数）',
    'clip the product r A instead of the ratio':
        '裁剪了乘积 r A 而不是概率比',
    'clip to [1 - eps, 1 + eps] with eps fixed at 0.2':
        '裁剪到 [1 - eps, 1 + eps] 时把 eps 固定成了 0.2',

    # ----- 04_clipped_surrogate: check_prediction_strictly_lower -----
    'the share of random (r, A) pairs where the L^CLIP term is strictly below r A':
        '随机的 (r, A) 对中，L^CLIP 项严格小于 r A 的比例',
    'predict that the clip lowers a term only on the flat side, not wherever the ratio leaves the interval':
        '预测：裁剪只在平坦的一侧压低某一项，而不是概率比一离开区间就压低',
    'A term drops below r A only in a flat zone (A > 0 above 1 + eps, A < 0 below 1 - eps): about half of the pairs outside the interval, a third of all.':
        '只有在平坦区（A > 0 时在 1 + eps 以上，A < 0 时在 1 - eps 以下），一项才会低于 r A：约占区间外那些 (r, A) 对的一半，即全部的三分之一。',
    'About two thirds of the ratios lie outside [1 - eps, 1 + eps], but the min lowers a term only on the flat side: above 1 + eps when A > 0, below 1 - eps when A < 0. On the other side it takes r A itself.':
        '确实约有三分之二的概率比落在 [1 - eps, 1 + eps] 之外，但 min 只在平坦的一侧压低一项：A > 0 时在 1 + eps 以上，A < 0 时在 1 - eps 以下。在另一侧，它取的就是 r A 本身。',
    'min(x, y) <= x allows equality: inside the interval both arguments are r A.':
        'min(x, y) <= x 允许取等号：在区间之内，两个参数都是 r A。',
    'The bound is strict wherever the clipped argument is the smaller one, e.g. A > 0 and r > 1 + eps: (1 + eps) A < r A.':
        '只要裁剪后的那个参数更小，不等式就是严格的，例如 A > 0 且 r > 1 + eps 时：(1 + eps) A < r A。',

    # ----- 04_clipped_surrogate: check_prediction_far_ratio_gradient -----
    'the gradient of an L^CLIP term at r = 10.5 (A < 0) against r = 1':
        'A < 0 时，一个 L^CLIP 项在 r = 10.5 处与在 r = 1 处的梯度比较',
    'predict that clipping the ratio does not bound the gradient: with A < 0 it grows with r above 1 + eps':
        '预测：裁剪概率比并不能限制梯度：A < 0 时，r 超过 1 + eps 后梯度随 r 增大',
    'Above 1 + eps with A < 0 the min takes r A, whose gradient with respect to the logits is A r (e_a - pi): it grows with r (here about 5.5 times), and the clip bounds none of it.':
        'A < 0 且 r 在 1 + eps 以上时，min 取 r A，它对 logits 的梯度是 A r (e_a - pi)：随 r 增大（这里约为 5.5 倍），而裁剪对它毫无限制。',
    'The gradient is zero only in the flat zone, and with A < 0 that zone is r < 1 - eps. Above 1 + eps the min takes the unclipped r A, whose gradient flows.':
        '梯度只在平坦区为零，而 A < 0 时平坦区是 r < 1 - eps。在 1 + eps 以上，min 取未裁剪的 r A，梯度照常流过。',
    'torch.clamp clips the ratio, not the gradient: nothing caps the gradient of the unclipped term r A.':
        'torch.clamp 裁剪的是概率比，不是梯度：未裁剪项 r A 的梯度没有任何上限。',
    "The unclipped term's gradient A r (e_a - pi) carries the factor r, which grew about tenfold.":
        '未裁剪项的梯度 A r (e_a - pi) 带着因子 r，而 r 增大了约十倍。',

    # ----- 04_clipped_surrogate: check_kl_penalty_surrogate -----
    'kl_penalty_surrogate (L^KLPEN per sample)':
        'kl_penalty_surrogate（逐样本的 L^KLPEN）',
    'L^KLPEN per sample: the unclipped surrogate minus β times the KL':
        '逐样本的 L^KLPEN：未裁剪的代理目标减去 β 乘以 KL',
    'hand example: r = 1.5, A = 2, KL = 0.1, beta = 3':
        '手算示例：r = 1.5，A = 2，KL = 0.1，beta = 3',
    'r A - beta KL = 1.5 * 2 - 3 * 0.1 = 2.7.':
        'r A - beta KL = 1.5 * 2 - 3 * 0.1 = 2.7。',
    'beta = 0 leaves the unclipped surrogate':
        'beta = 0 时只剩未裁剪的代理目标',
    'with beta = 0 the objective is r A.':
        'beta = 0 时，目标就是 r A。',
    'A < 0: a larger ratio lowers the objective':
        'A < 0：概率比越大，目标越低',
    'r A - beta KL = [-0.5 - 0.4, -1 - 0, -2 - 0.6]: no clipping in L^KLPEN, the penalty does the restraining.':
        'r A - beta KL = [-0.5 - 0.4, -1 - 0, -2 - 0.6]：L^KLPEN 里没有裁剪，起约束作用的是惩罚项。',
    'random batch, gradients w.r.t. ratio and KL':
        '随机批次，对 ratio 和 KL 的梯度',
    'the penalty is subtracted: it pushes the KL down.':
        '惩罚项是减去的：它把 KL 往下压。',
    'add the penalty instead of subtracting it':
        '加上了惩罚项，而不是减去',
    'forget the ratio (A - beta KL)':
        '忘了概率比（A - beta KL）',
    'average over the batch instead of returning one value per sample':
        '在批次上取了平均，而不是每个样本返回一个值',
    'clip the ratio as in L^CLIP (L^KLPEN has no clip)':
        '像 L^CLIP 那样裁剪了概率比（L^KLPEN 没有裁剪）',
    'use log r * A instead of r * A':
        '用了 log r * A 而不是 r * A',

    # ----- 04_clipped_surrogate: check_adapt_kl_coef -----
    'adapt_kl_coef (the adaptive beta rule)':
        'adapt_kl_coef（自适应 beta 规则）',
    "the PPO paper's adaptive-β rule with thresholds d_targ/1.5 and 1.5 d_targ":
        'PPO 论文中自适应 β 的规则，阈值为 d_targ/1.5 和 1.5 d_targ',
    'KL far below target: halve beta':
        'KL 远低于目标：beta 减半',
    'd < d_targ / 1.5 means the policy barely moved: beta <- beta / 2.':
        'd < d_targ / 1.5 说明策略几乎没动：beta <- beta / 2。',
    'KL far above target: double beta':
        'KL 远高于目标：beta 加倍',
    'd > 1.5 d_targ means the policy moved too far: beta <- 2 beta.':
        'd > 1.5 d_targ 说明策略走得太远：beta <- 2 beta。',
    'KL near target: keep beta':
        'KL 接近目标：beta 不变',
    'between d_targ / 1.5 and 1.5 d_targ, beta stays.':
        '在 d_targ / 1.5 和 1.5 d_targ 之间，beta 保持不变。',
    'just inside the lower threshold: keep beta':
        '刚好在下阈值之内：beta 不变',
    'the lower threshold is d_targ / 1.5 = 0.00667, not d_targ / 2.':
        '下阈值是 d_targ / 1.5 = 0.00667，不是 d_targ / 2。',
    'just inside the upper threshold: keep beta':
        '刚好在上阈值之内：beta 不变',
    'the upper threshold is 1.5 d_targ = 0.015, not 2 d_targ.':
        '上阈值是 1.5 d_targ = 0.015，不是 2 d_targ。',
    'inside the band by a hair: keep beta':
        '以毫厘之差落在区间之内：beta 不变',
    "beta doubles only above exactly 1.5 d_targ: a threshold of 1.55 d_targ (or any other) is not the paper's.":
        '只有 d 高于 1.5 d_targ 这个确切值时 beta 才加倍：以 1.55 d_targ（或任何别的值）为阈值都不是论文的规则。',
    'just above 1.5 d_targ: double beta':
        '刚好高于 1.5 d_targ：beta 加倍',
    'beta doubles as soon as d > 1.5 d_targ: a threshold of 1.55 d_targ lets this KL through.':
        '只要 d > 1.5 d_targ，beta 就加倍：以 1.55 d_targ 为阈值会放过这个 KL。',
    'just below d_targ / 1.5: halve beta':
        '刚好低于 d_targ / 1.5：beta 减半',
    'beta halves as soon as d < d_targ / 1.5: a threshold of d_targ / 1.55 lets this KL through.':
        '只要 d < d_targ / 1.5，beta 就减半：以 d_targ / 1.55 为阈值会放过这个 KL。',
    'just below the lower threshold: halve beta':
        '刚好低于下阈值：beta 减半',
    '0.006 < 0.01 / 1.5 = 0.00667: the lower threshold is d_targ / 1.5, not d_targ / 2.':
        '0.006 < 0.01 / 1.5 = 0.00667：下阈值是 d_targ / 1.5，不是 d_targ / 2。',
    'just above the upper threshold: double beta':
        '刚好高于上阈值：beta 加倍',
    '0.016 > 1.5 * 0.01 = 0.015: the upper threshold is 1.5 d_targ, not 2 d_targ.':
        '0.016 > 1.5 * 0.01 = 0.015：上阈值是 1.5 d_targ，不是 2 d_targ。',
    'uses the given beta':
        '使用传入的 beta',
    'scale the kl_coef you were given.':
        '缩放传给你的 kl_coef。',
    'KL exactly 1.5 d_targ: keep beta':
        'KL 恰好等于 1.5 d_targ：beta 不变',
    "the paper's inequalities are strict: beta doubles only when d > 1.5 d_targ.":
        '论文中的不等式是严格的：只有 d > 1.5 d_targ 时 beta 才加倍。',
    'KL exactly d_targ / 1.5: keep beta':
        'KL 恰好等于 d_targ / 1.5：beta 不变',
    "the paper's inequalities are strict: beta halves only when d < d_targ / 1.5.":
        '论文中的不等式是严格的：只有 d < d_targ / 1.5 时 beta 才减半。',
    'apply the rule in reverse (double when KL is small)':
        '把规则用反了（KL 小的时候反而加倍）',
    "use <= and >= at the thresholds (the paper's inequalities are strict)":
        '在阈值处用了 <= 和 >=（论文中的不等式是严格的）',
    'compare with the target itself instead of target / 1.5 and 1.5 x target':
        '直接和目标值本身比较，而不是和 target / 1.5 及 1.5 x target 比较',
    'use an upper threshold a little above 1.5 d_targ (e.g. 1.55 d_targ)':
        '用了略高于 1.5 d_targ 的上阈值（例如 1.55 d_targ）',
    'use thresholds d_targ / 2 and 2 d_targ instead of d_targ / 1.5 and 1.5 d_targ':
        '用了阈值 d_targ / 2 和 2 d_targ，而不是 d_targ / 1.5 和 1.5 d_targ',
    'never change beta':
        '从不改变 beta',
    'use factors 1.5 instead of 2':
        '用了因子 1.5 而不是 2',

    # ----- 05_ppo_cartpole: check_normalize_advantages -----
    'normalize_advantages (per-minibatch advantage normalization)':
        'normalize_advantages（按小批量做优势归一化）',
    'per-minibatch advantage normalization that stays finite on a constant batch':
        '按小批量做优势归一化，整批优势都相同时结果仍是有限值',
    'hand example [1, 2, 3, 4]':
        '手算示例 [1, 2, 3, 4]',
    "subtract the mean (2.5) and divide by the standard deviation (torch's .std(), unbiased: 1.291), plus 1e-8.":
        '减去均值（2.5），再除以标准差加 1e-8（标准差用 torch 的 .std()，无偏：1.291）。',
    'constant advantages give zeros, not NaN':
        '优势全都相同时应得到全零，而不是 NaN',
    'add a small eps (1e-8) to the std so that a constant batch does not divide 0 by 0.':
        '给标准差加上一个小的 eps（1e-8），免得优势全都相同时出现 0 除以 0。',
    'two samples':
        '两个样本',
    'with two samples the unbiased std is |a - b| / sqrt(2) = 5.657, so the result is [-0.7071, 0.7071].':
        '只有两个样本时，无偏标准差是 |a - b| / sqrt(2) = 5.657，所以结果是 [-0.7071, 0.7071]。',
    'random minibatch of 64':
        '64 个样本的随机小批量',
    "normalize with this minibatch's own mean and std.":
        '用这个小批量自己的均值和标准差来归一化。',
    'only subtract the mean':
        '只减去了均值',
    'only divide by the std':
        '只除以了标准差',
    'divide by the variance instead of the standard deviation':
        '除以了方差而不是标准差',
    'forget the eps (0 / 0 = NaN for a constant batch)':
        '忘了 eps（优势全都相同时 0 / 0 = NaN）',
    "use the biased standard deviation (.std(unbiased=False), numpy's default)":
        '用了有偏的标准差（.std(unbiased=False)，也就是 numpy 的默认做法）',

    # ----- 05_ppo_cartpole: check_ppo_loss -----
    'ppo_loss (-L^CLIP + c1 L^VF - c2 S, PPO paper Eq. 9)':
        'ppo_loss（-L^CLIP + c1 L^VF - c2 S，PPO 论文式 (9)）',
    "PPO's minibatch loss −L^CLIP + c1 L^VF − c2 S (PPO paper Eq. 9), values and gradients":
        'PPO 的小批量损失 −L^CLIP + c1 L^VF − c2 S（PPO 论文式 (9)），数值和梯度都要对',
    'hand example: r = 1.5, A = 1, V = 3, R = 0, S = 0.5':
        '手算示例：r = 1.5，A = 1，V = 3，R = 0，S = 0.5',
    '-min(1.5, 1.2) + 0.5 * (3 - 0)^2 - 0.1 * 0.5 = -1.2 + 4.5 - 0.05 = 3.25.':
        '-min(1.5, 1.2) + 0.5 * (3 - 0)^2 - 0.1 * 0.5 = -1.2 + 4.5 - 0.05 = 3.25。',
    'policy part only (vf_coef = ent_coef = 0)':
        '只有策略部分（vf_coef = ent_coef = 0）',
    'the policy part is minus the MEAN of the clipped surrogate: a loss to minimize.':
        '策略部分是裁剪代理目标的均值（不是总和）取负：这是一个要最小化的损失。',
    'value part: gradient with respect to the values':
        '价值部分：对 values 的梯度',
    'the value loss is the mean of (V - R)^2, weighted by vf_coef.':
        '价值损失是 (V - R)^2 的均值，权重为 vf_coef。',
    'entropy bonus lowers the loss':
        '熵奖励让损失变小',
    'the entropy is a bonus: subtract ent_coef * mean entropy.':
        '熵是一项奖励：减去 ent_coef * 熵的均值。',
    'forget to negate the surrogate (maximize the loss)':
        '忘了给代理目标取负（变成了最大化损失）',
    'add the entropy instead of subtracting it':
        '加上了熵，而不是减去',
    'forget vf_coef on the value loss':
        '价值损失忘了乘 vf_coef',
    'use the absolute error instead of the squared error':
        '用了绝对误差而不是平方误差',
    "halve the squared error (CleanRL's 0.5 * MSE; here L^VF = (V - R)^2, weighted by vf_coef)":
        '把平方误差减半了（CleanRL 的 0.5 * MSE；这里 L^VF = (V - R)^2，权重为 vf_coef）',
    'use the unclipped surrogate r A':
        '用了未裁剪的代理目标 r A',
    'sum over the minibatch instead of averaging':
        '在小批量上求和，而不是取平均',

    # ----- 05_ppo_cartpole: check_value_loss -----
    'value_loss (the clipped value loss, Huang et al. 2022, detail 9)':
        'value_loss（裁剪的价值损失，Huang et al. 2022，实现细节 9）',
    "PPO2's clipped value loss, and where it stops the critic's gradient":
        'PPO2 的裁剪价值损失，以及它在哪里让价值网络的梯度停下',
    'hand example inside the band: V = 1.1, V_old = 1, R = 3':
        '手算示例，在区间之内：V = 1.1，V_old = 1，R = 3',
    'inside [V_old - eps, V_old + eps] the clip does nothing: both terms are (1.1 - 3)^2 = 3.61.':
        '在 [V_old - eps, V_old + eps] 之内，裁剪不起作用：两项都是 (1.1 - 3)^2 = 3.61。',
    'V moved past V_old +- eps, R on either side (values)':
        'V 越过了 V_old +- eps，R 在两侧（数值）',
    'clip V - V_old (not V) to [-eps, eps], add back V_old, and take the max of the two squared errors: here 3.24, 4, 3.24, 4.':
        '把 V - V_old（而不是 V）裁剪到 [-eps, eps]，再加回 V_old，然后取两个平方误差中的 max：这里是 3.24、4、3.24、4。',
    'V moved past V_old +- eps: gradient zero where the clipped term wins':
        'V 越过了 V_old +- eps：裁剪项胜出的地方梯度为零',
    'where the clipped term is the larger one it does not depend on V, so no gradient reaches V there.':
        '在裁剪项较大的地方，它不依赖 V，所以那里没有梯度传到 V。',
    'V = V_old (the first minibatch): the plain squared error':
        'V = V_old（第一个小批量）：就是普通的平方误差',
    'with V = V_old both terms equal (V - R)^2.':
        'V = V_old 时，两项都等于 (V - R)^2。',
    'random batch, eps = 0.5':
        '随机批次，eps = 0.5',
    'use the clip_eps argument; return one value per sample.':
        '用参数 clip_eps；每个样本返回一个值。',
    'take the min of the two squared errors instead of the max':
        '对两个平方误差取了 min 而不是 max',
    'clip V itself to [-eps, eps] instead of V - V_old':
        '把 V 本身而不是 V - V_old 裁剪到了 [-eps, eps]',
    'clip V to [V_old (1 - eps), V_old (1 + eps)], relative like the ratio':
        '像概率比那样按相对比例把 V 裁剪到了 [V_old (1 - eps), V_old (1 + eps)]',
    'return only the clipped squared error (no max)':
        '只返回了裁剪后的平方误差（没有取 max）',
    'return only the unclipped squared error (V - R)^2':
        '只返回了未裁剪的平方误差 (V - R)^2',
    'clip V - V_old but forget to add V_old back':
        '裁剪了 V - V_old，却忘了加回 V_old',
    'halve the loss (0.5 * max(...); here the 0.5 belongs to vf_coef)':
        '把损失减半了（0.5 * max(...)；这里的 0.5 应由 vf_coef 负责）',

    # ----- 05_ppo_cartpole: check_update（综合练习；各项检查的文字见上文 ppo_cartpole.py 部分） -----
    "PPO's minibatch update loop (the capstone)":
        '综合练习：PPO 的小批量更新循环',
    "assemble PPO's update: epochs of shuffled minibatches, per-minibatch normalization, Eq. 9's loss, gradient clipping":
        '组装 PPO 的更新：在打乱的小批量上训练若干轮、逐小批量归一化、式 (9) 的损失、梯度裁剪',

    # ----- 05_ppo_cartpole: check_prediction_first_ratio -----
    'max |r - 1| on the first minibatch of a PPO update':
        '一次 PPO 更新的第一个小批量上的 max |r - 1|',
    'predict that the ratio is exactly 1 before the first optimizer step of an update, and why that is a bug check':
        '预测：一次更新中优化器走第一步之前，概率比恰好为 1，以及为什么这可以用来查 bug',
    'No optimizer step has been taken since the rollout, so theta = theta_old, and the same network on the same stored numbers gives the same log-probabilities bit for bit: r = exp(0) = 1 exactly.':
        '从采样到现在，优化器还一步都没走，所以 theta = theta_old；同一个网络作用在同样存下来的数上，得到的对数概率逐位相同：r = exp(0) = 1，分毫不差。',
    'epsilon = 0.2 bounds where the clip starts to act, not where the ratio starts: before the first step theta = theta_old.':
        'epsilon = 0.2 限定的是裁剪从哪里开始起作用，而不是概率比从哪里出发：第一步之前 theta = theta_old。',
    'Rounding would need two different computations. Here the same network computes the same log-probability of the same stored observation and action twice: the same bits.':
        '要有两种不同的计算才会出现舍入差异。这里是同一个网络对同一个存下来的观测和动作把同一个对数概率算了两遍：比特完全相同。',
    'The ratio is pi_theta / pi_old, not pi_theta itself: with theta = theta_old it is 1, so r - 1 is 0.':
        '概率比是 pi_theta / pi_old，而不是 pi_theta 本身：theta = theta_old 时它等于 1，所以 r - 1 为 0。',

    # ----- 06_ppo_continuous: check_gaussian_log_prob -----
    'gaussian_log_prob (diagonal Gaussian policy)':
        'gaussian_log_prob（对角高斯策略）',
    'the log-density of a diagonal Gaussian policy, summed over action dimensions, with gradients':
        '对角高斯策略的对数密度，对各动作维度求和，梯度也要对',
    'standard normal at a = 0, one dimension':
        '标准正态分布在 a = 0 处，一维',
    'log N(0; 0, 1) = -0.5 log(2 pi) = -0.9189.':
        'log N(0; 0, 1) = -0.5 log(2 pi) = -0.9189。',
    'hand example: a = 2, mu = 1, sigma = e (log_std = 1)':
        '手算示例：a = 2，mu = 1，sigma = e（log_std = 1）',
    '-(a - mu)^2 / (2 sigma^2) - log sigma - 0.5 log(2 pi) = -0.0677 - 1 - 0.9189.':
        '-(a - mu)^2 / (2 sigma^2) - log sigma - 0.5 log(2 pi) = -0.0677 - 1 - 0.9189。',
    'three action dimensions are summed':
        '三个动作维度要求和',
    'independent dimensions: sum the per-dimension log-densities over the last axis, one value per row.':
        '各维度相互独立：沿最后一个轴把每一维的对数密度加起来，每行一个值。',
    'gradients with respect to mean and log_std':
        '对 mean 和 log_std 的梯度',
    'compute with log_std directly (log sigma), not log(exp(log_std)) of a clamped value.':
        '直接用 log_std（即 log sigma）计算，不要对经过 clamp 的值求 log(exp(log_std))。',
    'forget to sum over the action dimensions (or average instead)':
        '忘了对动作维度求和（或者取了平均）',
    'forget the -log sigma term':
        '忘了 -log sigma 项',
    'use sigma instead of sigma^2 in the exponent':
        '指数里用了 sigma 而不是 sigma^2',
    'treat log_std as the standard deviation itself':
        '把 log_std 当成了标准差本身',
    'forget the -0.5 log(2 pi) constant':
        '忘了常数 -0.5 log(2 pi)',
    'sum over the batch (dim 0) instead of the action dimensions':
        '在批次维（dim 0）而不是动作维度上求和',

    # ----- 06_ppo_continuous: check_gaussian_entropy -----
    'gaussian_entropy (diagonal Gaussian policy)':
        'gaussian_entropy（对角高斯策略）',
    'the entropy of a Gaussian policy with a state-independent log-std, one value per state':
        '对数标准差与状态无关的高斯策略的熵，每个状态一个值',
    'one dimension, sigma = 1':
        '一维，sigma = 1',
    'H = 0.5 log(2 pi e sigma^2) = 0.5 + 0.5 log(2 pi) + log sigma = 1.4189 for sigma = 1.':
        'sigma = 1 时，H = 0.5 log(2 pi e sigma^2) = 0.5 + 0.5 log(2 pi) + log sigma = 1.4189。',
    'two dimensions add up':
        '两个维度的熵相加',
    'independent dimensions: the entropies add; return one value per row of the batch.':
        '各维度相互独立：熵直接相加；批次中每一行返回一个值。',
    'small sigma: a differential entropy can be negative':
        'sigma 很小：微分熵可以为负',
    'H = sum_d (log sigma_d + 0.5 + 0.5 log(2 pi)) = -2.243 here; do not clamp it at 0 or take an absolute value.':
        '这里 H = sum_d (log sigma_d + 0.5 + 0.5 log(2 pi)) = -2.243；不要把它限制在 0 以上，也不要取绝对值。',
    'forget the constant 0.5 + 0.5 log(2 pi)':
        '忘了常数 0.5 + 0.5 log(2 pi)',
    'average over the action dimensions instead of summing':
        '对动作维度取了平均，而不是求和',
    'use log sigma^2 instead of log sigma':
        '用了 log sigma^2 而不是 log sigma',
    'drop the square: 0.5 log(2 pi e sigma) instead of 0.5 log(2 pi e sigma^2)':
        '漏了平方：写成了 0.5 log(2 pi e sigma) 而不是 0.5 log(2 pi e sigma^2)',
    'return one value instead of one per row of the batch':
        '只返回了一个值，而不是批次中每行一个',
    'ignore sigma (the entropy of a standard normal)':
        '忽略了 sigma（算成了标准正态分布的熵）',

    # ----- 06_ppo_continuous: check_prediction_clipped_score -----
    'which way the score at clip(a) moves mu = 1.8 when every advantage is +1':
        '所有优势都为 +1 时，在 clip(a) 处取的得分函数把 mu = 1.8 往哪个方向推',
    'predict that the score taken at the clipped action is biased: a shared advantage then moves the mean':
        '预测：在裁剪后的动作处取得分函数是有偏的：这时所有样本共用的优势会移动均值',
    'E[clip(a)] < mu near the upper bound, so the mean score at clip(a) is negative; with A = +1 the ascent step pushes mu down, by an amount proportional to the shared advantage, although the true gradient is 0.':
        '在上界附近 E[clip(a)] < mu，所以在 clip(a) 处取的得分函数均值为负；A = +1 时，梯度上升的一步会把 mu 往下推，推动的幅度与这个共用的优势成正比，尽管真实的梯度是 0。',
    'That holds for the score of the sampled action, (a - mu) / sigma^2, whose mean is 0. At clip(a) the samples above 2 are pulled back to 2, so clip(a) - mu is below 0 on average.':
        '这对采样动作的得分函数 (a - mu) / sigma^2 成立，它的均值为 0。但在 clip(a) 处，高于 2 的样本被拉回到 2，所以 clip(a) - mu 平均小于 0。',
    'Clipping lowers every sample above the bound and raises almost none (hardly any mass lies below -2), so clip(a) lies below mu on average; with A = +1 the step follows clip(a) - mu.':
        '裁剪会压低所有高于边界的样本，却几乎不抬高任何样本（-2 以下几乎没有概率质量），所以 clip(a) 平均低于 mu；A = +1 时，更新的方向跟着 clip(a) - mu 走。',

    # ----- 06_ppo_continuous: check_prediction_clipped_ratio -----
    'the first ratio pi(clip(a)) / pi(a) when the mean lies beyond the bound (mu = 2.5, a = 2.3)':
        'mu = 2.5 已在边界之外、a = 2.3 时的第一个概率比 pi(clip(a)) / pi(a)',
    'predict that clipping moves an action towards the mean only while the mean lies inside the bounds':
        '预测：只有当均值位于边界之内时，裁剪才会把动作拉向均值',
    'The Gaussian density falls with the distance from mu; clip(2.3) = 2 is 0.5 from mu = 2.5, the sample only 0.2, so pi(2) / pi(2.3) = exp((0.2^2 - 0.5^2) / (2 * 0.6^2)) = 0.75 < 1.':
        '高斯密度随着与 mu 的距离增大而减小；clip(2.3) = 2 离 mu = 2.5 有 0.5，而样本只差 0.2，所以 pi(2) / pi(2.3) = exp((0.2^2 - 0.5^2) / (2 * 0.6^2)) = 0.75 < 1。',
    'Clipping moves every action towards the mean only while |mu| <= 2. Here mu = 2.5: the sample 2.3 lies 0.2 from the mean, the bound 2 lies 0.5 from it, so the bound has the lower density.':
        '只有 |mu| <= 2 时，裁剪才会把每个动作都拉向均值。这里 mu = 2.5：样本 2.3 离均值 0.2，边界 2 离均值 0.5，所以边界处的密度更低。',
    'The ratio is 1 only if the stored action is the sampled one; 2 and 2.3 have different densities.':
        '只有存下的动作就是采样到的动作时，概率比才是 1；2 和 2.3 处的密度不同。',

    # ----- 07_table1: check_prediction_farthest_ratio -----
    'which objective lets the ratio move farthest from 1':
        '哪个目标函数让概率比离 1 最远',
    'predict which objective lets the new policy drift farthest from the old one within an update':
        '预测：哪个目标函数让新策略在一次更新中偏离旧策略最远',
    'Nothing in L^CPI = r A stops an update from pushing the ratio of a good action up and up: the surrogate keeps promising improvement (notebook 03), so K epochs on one batch go far.':
        'L^CPI = r A 中没有任何东西阻止更新把好动作的概率比一路往上推：代理目标一直在许诺改进（笔记本 03），所以在同一批数据上训练 K 轮会走得很远。',
    "Clipping does not cap the ratio itself: it only removes the incentive to push it further, and other samples' steps can still carry it along.":
        '裁剪并不给概率比本身设上限：它只是去掉了继续推高它的动力，其他样本的更新仍然可能把它一起带走。',
    'A KL penalty charges for distance, but only as much as beta says; it does not remove the incentive.':
        'KL 惩罚会为距离收费，但只收 beta 规定的那么多；它并不去掉推高的动力。',
    'With beta = 1 the penalty is a price on distance, not a wall.':
        'beta = 1 时，惩罚是给距离标的价格，而不是一堵墙。',

    # ----- 07_table1: check_normalized_scores -----
    'normalized scores (PPO paper, Sec. 6.1)':
        '归一化得分（PPO 论文第 6.1 节）',
    "the paper's normalization: the random policy maps to 0 and the best setting to 1, per environment":
        '论文的归一化：在每个环境中，随机策略对应 0，最好的设置对应 1',
    'hand example: random 20, scores 20, 120, 220':
        '手算示例：随机策略 20，各设置得分 20、120、220',
    '(score - random) / (best - random) = [0, 100, 200] / 200 = [0, 0.5, 1].':
        '(score - random) / (best - random) = [0, 100, 200] / 200 = [0, 0.5, 1]。',
    'a setting worse than random gets a negative score':
        '比随机策略差的设置得到负分',
    "Pendulum's returns are negative: shift by the random policy's score, do not take absolute values.":
        'Pendulum 的回报是负的：减去随机策略的得分来平移，不要取绝对值。',
    'the best setting is 1 whatever its position':
        '最好的设置无论排在哪个位置都是 1',
    'divide by (best - random), the best being the largest score among the settings.':
        '除以 (best - random)，其中 best 是各设置中的最高得分。',
    "one setting below random (the paper's half cheetah)":
        '有一个设置不如随机策略（论文中的 half cheetah）',
    "a setting below the random policy has a score below 0, as 'no clipping' in the paper's Table 1.":
        "不如随机策略的设置得分小于 0，就像论文表 1 中的 'no clipping'。",
    'divide by the best score without shifting by the random policy':
        '直接除以最高得分，没有先减去随机策略的得分',
    'scale between the worst and the best setting instead of the random policy and the best':
        '按最差和最好的设置来缩放，而不是按随机策略和最好的设置',
    'shift by the random policy but divide by the best score alone':
        '减去了随机策略的得分，但只除以最高得分',
    "divide by the random policy's score":
        '除以了随机策略的得分',
    'take absolute values of the scores':
        '对得分取了绝对值',
    # ===== 作业命令行（ppo_core/homework/cli.py） =====
    'passed': '通过',
    'failed': '未通过',
    'not attempted': '未作答',
    'missing': '缺失',
    'error': '出错',
    'timeout': '超时',
    '| notebook | exercise | learning goal | difficulty | minutes | points | checker: cases / known mistakes |':
        '| 笔记本 | 练习 | 学习目标 | 难度 | 分钟 | 分值 | 检查函数：用例数 / 已知错误数 |',
    '| **all** | {count} exercises | | | {minutes} | {points} | |':
        '| **合计** | {count} 道练习 | | | {minutes} | {points} | |',
    '{label} ({notebook}): {total}/{best} points':
        '{label}（{notebook}）：{total}/{best} 分',
    '{count} of {total} submission(s) could not be graded (see above).':
        '{total} 份提交中有 {count} 份无法评分（见上文）。',
    '{passed}/{total} cases':
        '{passed}/{total} 个用例',
    '{submission}: not graded: {error}':
        '{submission}：未评分：{error}',
    'Grading stopped: {error}':
        '评分已停止：{error}',
    'calls {names}: look at this one':
        '调用了 {names}：请人工查看',
    'not run: {count} statement(s) of scratch work (listed in the feedback)':
        '未运行：{count} 条草稿语句（已列在反馈文件中）',
    'Not run by the grader (only definitions are graded):':
        '评分程序没有运行的语句（只对定义评分）：',
    'look at this one: {note}':
        '请人工查看：{note}',
    '{function} ({status}, {points}/{max_points} points)':
        '{function}（{status}，{points}/{max_points} 分）',
    # ===== 预测题的选项（学生可以写英文，也可以写这里的中文；与中文版笔记本中的注释一致） =====
    'larger': '更大', 'smaller': '更小', 'the same': '相同', 'about the same': '差不多',
    'shorter': '更短', 'longer': '更长',
    'greater than 1': '大于 1', 'equal to 1': '等于 1', 'less than 1': '小于 1',
    'above 1': '大于 1', 'exactly 1': '恰好为 1', 'below 1': '小于 1',
    'none': '没有', 'about a third': '约三分之一', 'about two thirds': '约三分之二', 'all': '全部',
    'zero': '为零', 'up': '上升', 'down': '下降', 'not at all': '不变',
    'no clipping': '不裁剪', 'clipping': '裁剪', 'adaptive KL': '自适应 KL', 'fixed KL': '固定 KL',
    # ===== 答案（ppo_core/homework/key.py） =====
    '{points} points · difficulty {stars} · about {minutes} min · checker `{checker}`':
        '{points} 分 · 难度 {stars} · 约 {minutes} 分钟 · 检查函数 `{checker}`',
    'Solution': '参考答案',
    'Answer:': '答案：',
    'What the checker runs': '检查函数运行的用例',
    'Mistakes the checker names': '检查函数能点名的常见错误',
    'Wrong answers the checker explains': '检查函数会解释的错误答案',
    'Answer key': '参考答案',
    'For the teacher: do not hand this page out. {points} points in all.': '供教师使用：请勿发给学生。总分 {points} 分。',
    'wrote the answer key to {path}': '参考答案已写入 {path}',
    # 形状的建议
    "Your output has an extra last dimension of size 1 (a [B, 1] column where a [B] vector is expected, e.g. a network's output): remove it with .squeeze(-1).":
        '你的输出多了一个大小为 1 的最后一维（应为 [B] 向量的地方成了 [B, 1] 的列，例如网络的输出）：用 .squeeze(-1) 去掉它。',
    'A [B, 1] and a [B] tensor were broadcast to [B, B]: make both [B] with .squeeze(-1) (or both [B, 1] with .unsqueeze(-1)) before combining them.':
        '一个 [B, 1] 的张量和一个 [B] 的张量被广播成了 [B, B]：先用 .squeeze(-1) 把两者都变成 [B]（或用 .unsqueeze(-1) 都变成 [B, 1]），再把它们组合起来。',
    # ===== 作业：发布学生版、沙箱 =====
    '{path} -> {target}: {stubs} solution region(s) replaced ({names})':
        '{path} -> {target}：替换了 {stubs} 处答案区域（{names}）',
    'an assignment that calls something outside torch, math and numpy (scratch work is not graded)':
        '这条赋值调用了 torch、math 和 numpy 之外的东西（草稿代码不参与评分）',
    'not a definition (calls, prints, loops and tests are not run by the grader)':
        '不是定义（评分程序不运行函数调用、打印、循环和测试）',
    # ===== 评分程序：笔记本里看不到的用例 =====
    'held-out case (not in the notebook)':
        '保留用例（笔记本中没有）',
    'a case drawn for you (seeded by your student ID)':
        '为你抽取的用例（以你的学号为随机种子）',
    '... and {count} more failed cases.':
        '……另有 {count} 个用例未通过。',
    '... and {count} more.':
        '……另有 {count} 条。',
    'delta_t = r_t + gamma * (1 - terminated_t) * next_values[t] - values[t], elementwise over [T, N].':
        'delta_t = r_t + gamma * (1 - terminated_t) * next_values[t] - values[t]，在 [T, N] 上逐元素计算。',
    'termination stops the bootstrap; any episode end (terminated or truncated) stops the sum.':
        '终止（terminated）时不再自举；任何回合结束（终止或截断）都要让求和停下。',
    'one row per state: 1[a = b] - pi(b) for every action b.':
        '每个状态一行：对每个动作 b 计算 1[a = b] - pi(b)。',
    'y_t = x_t + discount * y_{t+1}, restarted after every episode end, per column.':
        'y_t = x_t + discount * y_{t+1}，每列分别计算，每个回合结束后重新开始累加。',
    'r = exp(log_probs - old_log_probs), with old_log_probs detached.':
        'r = exp(log_probs - old_log_probs)，其中 old_log_probs 要 detach。',
    'k3 = (r - 1) - log r per sample, with log r = log_probs - old_log_probs.':
        '逐样本计算 k3 = (r - 1) - log r，其中 log r = log_probs - old_log_probs。',
    'min(r A, clip(r, 1 - eps, 1 + eps) A) per sample, with the clip_eps argument.':
        '逐样本计算 min(r A, clip(r, 1 - eps, 1 + eps) A)，eps 用参数 clip_eps。',
    'take the min of the ratios and multiply by A afterwards (min(r, clip(r)) A): the min must compare the products r A and clip(r) A, because a negative A reverses the order':
        '先对比率取 min 再乘以 A（min(r, clip(r)) A）：min 必须比较乘积 r A 与 clip(r) A，因为 A 为负时大小顺序会反过来',
    'r A - beta KL per sample.':
        '逐样本计算 r A - beta KL。',
    'halve beta below d_targ / 1.5, double it above 1.5 d_targ, keep it in between (PPO paper, Sec. 4).':
        'KL 低于 d_targ / 1.5 时 beta 减半，高于 1.5 d_targ 时加倍，介于两者之间时不变（PPO 论文第 4 节）。',
    '(A - mean) / (std + 1e-8), with the sample std (unbiased, as torch.std).':
        '(A - mean) / (std + 1e-8)，std 用样本标准差（无偏，与 torch.std 相同）。',
    '-mean(L^CLIP) + vf_coef * mean((V - R)^2) - ent_coef * mean(entropy).':
        '-mean(L^CLIP) + vf_coef * mean((V - R)^2) - ent_coef * mean(entropy)。',
    'max((V - R)^2, (V_old + clip(V - V_old, -eps, eps) - R)^2) per sample.':
        '逐样本计算 max((V - R)^2, (V_old + clip(V - V_old, -eps, eps) - R)^2)。',
    'sum over the action dimensions of -(a - mu)^2 / (2 sigma^2) - log sigma - 0.5 log(2 pi).':
        '对各动作维度求和：-(a - mu)^2 / (2 sigma^2) - log sigma - 0.5 log(2 pi)。',
    'H = sum_d (log sigma_d + 0.5 + 0.5 log(2 pi)), one value per row.':
        'H = sum_d (log sigma_d + 0.5 + 0.5 log(2 pi))，每行一个值。',
    '(score - random) / (best - random), per setting.':
        '每个设置分别计算 (score - random) / (best - random)。',
    'defines {name} again: the grader grades the definition in its exercise cell ({cell}), which the checker cell after it checked; put your final answer there':
        '再次定义了 {name}：评分程序批改的是练习单元格（{cell}）中的定义，也就是它后面的检查单元格检查过的那个；请把最终答案写在那里',
    "at {where} the gradient is that step's plus the one before: the gradients add up across minibatches. Call optimizer.zero_grad() before loss.backward().":
        '在{where}，梯度等于这一步的梯度加上前一步的梯度：各个小批量的梯度累加在了一起。请在 loss.backward() 之前调用 optimizer.zero_grad()。',
}
