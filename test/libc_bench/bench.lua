-- bench.lua: the CPU-bound Lua script of make bench (test/libc_bench),
-- the same on Arbor and on Linux: function calls, integer and float
-- arithmetic, tables, strings and sorting. Returns a checksum, which
-- both systems must print alike.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local sum = fib(20)

local t = {}
local x = 7
for i = 1, 4000 do
  x = (x * 1103515245 + 12345) % 2147483648
  t[i] = x
end
table.sort(t)
for i = 1, #t, 97 do sum = sum + t[i] % 1000 end

local parts = {}
for i = 1, 1500 do
  parts[#parts + 1] = string.format("%d:%x", i, i * i)
end
local s = table.concat(parts, ",")
for w in s:gmatch("(%d+):") do sum = sum + #w end
sum = sum + #s:upper():gsub("A", "b")

local f = 0.0
for i = 1, 20000 do f = f + math.sin(i) * math.sqrt(i) end
sum = sum + math.floor(f)

return tostring(sum)
