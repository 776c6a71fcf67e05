-- run/libc_fs.run: a Lua script read from the ext2 disk that writes a
-- file there, through the C library's <fs/>.
local f = assert(io.open("/disk/lua_out.txt", "w"))
for i = 1, 5 do
  f:write(string.format("lua line %d: %d\n", i, i * i))
end
f:close()
local back = assert(io.open("/disk/lua_out.txt", "r")):read("a")
print("lua wrote " .. #back .. " bytes to /disk/lua_out.txt")
