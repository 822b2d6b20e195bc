-- Loaded after the README's Neovim 0.7 snippet (test/neovim/run.mjs): waits for the server's diagnostics on the
-- file Neovim was opened on, writes them and the finding's hover to $AG_OUT, applies the preferred quick fix,
-- saves, and quits.
local out = {}
local function finish(ok, why)
  out.ok = ok
  out.why = why
  local f = io.open(os.getenv('AG_OUT'), 'w')
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd('qall!')
end

vim.defer_fn(function()
  local ok, err = pcall(function()
    local buf = vim.api.nvim_get_current_buf()
    if not vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 100) then
      return finish(false, 'no diagnostics within 20 s; clients: ' .. #vim.lsp.get_active_clients())
    end
    local d = vim.diagnostic.get(buf)[1]
    out.diagnostics = {}
    for _, x in ipairs(vim.diagnostic.get(buf)) do
      table.insert(out.diagnostics, { code = x.code, line = x.lnum + 1, source = x.source, message = x.message })
    end
    local params = {
      textDocument = vim.lsp.util.make_text_document_params(),
      range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
      context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, d.lnum) },
    }
    -- The hover a user gets with K on the finding: its interleaving as a Markdown table.
    local hovers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
      textDocument = params.textDocument,
      position = { line = d.lnum, character = d.col },
    }, 10000) or {}
    for _, response in pairs(hovers) do
      if response.result and response.result.contents then out.hover = response.result.contents.value end
    end
    local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000) or {}
    out.titles = {}
    local preferred
    for _, response in pairs(responses) do
      for _, action in ipairs(response.result or {}) do
        table.insert(out.titles, action.title)
        if action.isPreferred and not preferred then preferred = action end
      end
    end
    if not preferred then return finish(false, 'no preferred quick fix') end
    out.applied = preferred.title
    vim.lsp.util.apply_workspace_edit(preferred.edit, 'utf-16')
    vim.cmd('silent! wall')
    finish(true)
  end)
  if not ok then finish(false, tostring(err)) end
end, 100)
